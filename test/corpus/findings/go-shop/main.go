// A small Go shop traced by the OpenTelemetry Go SDK (otelhttp on both sides, manual spans for its fake
// database), with one endpoint per planted performance problem. FINDINGS_VARIANT=clean serves the same
// endpoints without the problems: the findings corpus checks that each problem is named, and only then.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

var (
	planted = os.Getenv("FINDINGS_VARIANT") != "clean"
	tracer  trace.Tracer
	client  = &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}
	base    string
	// the row lock of the stock table (the planted contention holds it while a request wants it)
	stockLock sync.Mutex
	// failures served so far per /flaky key: the first two calls of each key fail (planted)
	flakyMu    sync.Mutex
	flakyCount = map[string]int{}
)

// query is the fake database: a CLIENT span with the statement, taking d.
func query(ctx context.Context, stmt string, d time.Duration) {
	_, span := tracer.Start(ctx, strings.Fields(stmt)[0]+" items", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", "sqlite"), attribute.String("db.statement", stmt), attribute.String("server.address", "db.local")))
	time.Sleep(d)
	span.End()
}

func get(ctx context.Context, path string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode, nil
}

// N+1: one query per item (planted) or one query for all of them (clean).
func n1(w http.ResponseWriter, r *http.Request) {
	if planted {
		for id := 1; id <= 8; id++ {
			query(r.Context(), fmt.Sprintf("SELECT name, price FROM items WHERE id = %d", id), 4*time.Millisecond)
		}
	} else {
		query(r.Context(), "SELECT name, price FROM items WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8)", 4*time.Millisecond)
	}
	fmt.Fprintln(w, "ok")
}

// Sequential fan-out: four independent services called one after another (planted) or together (clean).
func fanout(w http.ResponseWriter, r *http.Request) {
	names := []string{"price", "stock", "tax", "shipping"}
	if planted {
		for _, n := range names {
			_, _ = get(r.Context(), "/svc/"+n)
		}
	} else {
		var wg sync.WaitGroup
		for _, n := range names {
			wg.Add(1)
			go func() { defer wg.Done(); _, _ = get(r.Context(), "/svc/"+n) }()
		}
		wg.Wait()
	}
	fmt.Fprintln(w, "ok")
}

// Lock contention: another transaction holds the stock row for 60 ms while this request updates it (planted).
func locked(w http.ResponseWriter, r *http.Request) {
	if planted {
		held := make(chan struct{})
		go func() {
			stockLock.Lock()
			close(held)
			time.Sleep(60 * time.Millisecond)
			stockLock.Unlock()
		}()
		<-held
	}
	_, span := tracer.Start(r.Context(), "UPDATE stock", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", "sqlite"), attribute.String("db.statement", "UPDATE stock SET n = n - 1 WHERE item = 7")))
	if !stockLock.TryLock() {
		span.AddEvent("Waiting for lock behind 1 transaction", trace.WithAttributes(attribute.String("db.lock", "stock row 7")))
		stockLock.Lock()
		span.AddEvent("lock acquired")
	}
	time.Sleep(time.Millisecond)
	stockLock.Unlock()
	span.End()
	fmt.Fprintln(w, "ok")
}

// Retries with exponential backoff (20, 40 ms) against a dependency that fails twice (planted) or never (clean).
func retry(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	backoff := 20 * time.Millisecond
	for attempt := 1; attempt <= 4; attempt++ {
		code, err := get(r.Context(), "/flaky?key="+key)
		if err == nil && code == http.StatusOK {
			break
		}
		time.Sleep(backoff)
		backoff *= 2
	}
	fmt.Fprintln(w, "ok")
}

// A worker pool: 9 calls, at most 3 at a time (planted) or all at once (clean).
func pool(w http.ResponseWriter, r *http.Request) {
	limit := 9
	if planted {
		limit = 3
	}
	slots := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 1; i <= 9; i++ {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			_, _ = get(r.Context(), fmt.Sprintf("/work/%d", i))
			<-slots
		}()
	}
	wg.Wait()
	fmt.Fprintln(w, "ok")
}

func main() {
	ctx := context.Background()
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter, sdktrace.WithBatchTimeout(200*time.Millisecond)),
		sdktrace.WithResource(resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("go-shop"))),
	)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	tracer = tp.Tracer("go-shop")

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	base = fmt.Sprintf("http://%s", listener.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /n1", n1)
	mux.HandleFunc("GET /fanout", fanout)
	mux.HandleFunc("GET /locked", locked)
	mux.HandleFunc("GET /retry", retry)
	mux.HandleFunc("GET /pool", pool)
	mux.HandleFunc("GET /svc/{name}", func(w http.ResponseWriter, r *http.Request) { time.Sleep(30 * time.Millisecond); fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /work/{id}", func(w http.ResponseWriter, r *http.Request) { time.Sleep(30 * time.Millisecond); fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /flaky", func(w http.ResponseWriter, r *http.Request) {
		flakyMu.Lock()
		n := flakyCount[r.URL.Query().Get("key")]
		flakyCount[r.URL.Query().Get("key")] = n + 1
		flakyMu.Unlock()
		time.Sleep(5 * time.Millisecond)
		if planted && n < 2 {
			http.Error(w, "dependency overloaded", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	server := &http.Server{Handler: otelhttp.NewHandler(mux, "go-shop", otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }))}
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
	if err := tp.Shutdown(ctx); err != nil {
		log.Print(err)
	}
}
