// Command dispatch serves /dispatch: it finds the nearest driver, asks the pricing service (gRPC) for a quote and
// the ETA service (HTTP) for an arrival time. Everything runs in this one process so the corpus needs no network.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"

	"github.com/example/dispatch/internal/drivers"
	"github.com/example/dispatch/internal/eta"
	"github.com/example/dispatch/internal/pricing"
)

func main() {
	ctx := context.Background()
	// The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT.
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter, sdktrace.WithBatchTimeout(200*time.Millisecond)),
		sdktrace.WithResource(resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("dispatch"))),
	)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})

	pricingAddr, stopPricing, err := pricing.Serve()
	if err != nil {
		log.Fatal(err)
	}
	quotes, err := pricing.Dial(pricingAddr)
	if err != nil {
		log.Fatal(err)
	}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	base := fmt.Sprintf("http://%s", listener.Addr())
	api := &dispatchAPI{finder: drivers.NewFinder(), quotes: quotes, eta: eta.NewClient(base)}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /dispatch", api.dispatch) // @span GET /dispatch | kind=server
	mux.HandleFunc("GET /eta/{driver}", eta.Serve) // @span GET /eta/{driver} | kind=server
	server := &http.Server{Handler: otelhttp.NewHandler(mux, "dispatch")}
	go func() {
		if err := server.Serve(listener); err != http.ErrServerClosed {
			log.Fatal(err)
		}
	}()
	fmt.Printf("listening on %d\n", listener.Addr().(*net.TCPAddr).Port)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	_ = server.Shutdown(ctx)
	stopPricing()
	// Flushes the batch of spans not yet exported.
	if err := tp.Shutdown(ctx); err != nil {
		log.Print(err)
	}
}

type dispatchAPI struct {
	finder *drivers.Finder
	quotes *pricing.Client
	eta    *eta.Client
}

func (a *dispatchAPI) dispatch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	driver, err := a.finder.FindNearest(ctx, r.URL.Query().Get("customer"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	quote, err := a.quotes.Quote(ctx, driver.ID, 4.2)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	minutes, err := a.eta.Minutes(ctx, driver.ID)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"driver": driver.ID, "price": quote.Price, "eta": minutes})
}
