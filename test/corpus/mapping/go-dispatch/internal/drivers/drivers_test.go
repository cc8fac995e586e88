package drivers

import (
	"context"
	"errors"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// The span names below are the ones FindNearest and score start: a test that checks them, as many apps have.
func TestFindNearestSpans(t *testing.T) {
	recorder := tracetest.NewSpanRecorder()
	tracer = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder)).Tracer("test")

	driver, err := NewFinder().FindNearest(context.Background(), "123")
	if err != nil || driver.ID == "" {
		t.Fatalf("FindNearest: %v, %v", driver, err)
	}
	names := map[string]int{}
	for _, s := range recorder.Ended() {
		names[s.Name()]++
	}
	if names["FindNearest"] != 1 || names["score driver"] != 2 {
		t.Fatalf("spans: %v", names)
	}
}

func TestFindNearestUnknownCustomer(t *testing.T) {
	if _, err := NewFinder().FindNearest(context.Background(), "999"); !errors.Is(err, ErrNoDriver) {
		t.Fatalf("want ErrNoDriver, got %v", err)
	}
}
