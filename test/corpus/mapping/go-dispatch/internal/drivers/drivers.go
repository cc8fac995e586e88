// Package drivers finds the driver nearest to a customer. Its spans are started by hand with tracer.Start.
package drivers

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

var tracer = otel.Tracer("github.com/example/dispatch/internal/drivers")

// ErrNoDriver is returned when no driver is close enough.
var ErrNoDriver = errors.New("no driver available")

type Driver struct {
	ID       string
	Location string
}

type Finder struct {
	byCustomer map[string][]Driver
}

func NewFinder() *Finder {
	return &Finder{byCustomer: map[string][]Driver{
		"123": {{ID: "T7001", Location: "115,277"}, {ID: "T7002", Location: "100,280"}},
	}}
}

// FindNearest returns the closest driver; each candidate is scored in its own child span.
func (f *Finder) FindNearest(ctx context.Context, customer string) (Driver, error) {
	ctx, span := tracer.Start(ctx, "FindNearest", trace.WithAttributes(attribute.String("customer.id", customer))) // @span FindNearest
	defer span.End()
	candidates := f.byCustomer[customer]
	if len(candidates) == 0 {
		err := fmt.Errorf("customer %s: %w", customer, ErrNoDriver)
		span.RecordError(err, trace.WithStackTrace(true))
		span.SetStatus(codes.Error, err.Error())
		return Driver{}, err
	}
	best := candidates[0]
	bestScore := -1
	for _, d := range candidates {
		if s := score(ctx, d); s > bestScore {
			best, bestScore = d, s
		}
	}
	return best, nil
}

func score(ctx context.Context, d Driver) int {
	_, span := tracer.Start(ctx, "score driver") // @span score driver
	defer span.End()
	span.SetAttributes(attribute.String("driver.id", d.ID))
	return len(d.Location)
}
