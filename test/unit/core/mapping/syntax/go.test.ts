// Go outlines: package clause, functions, methods with their receiver type, closures named as Go's runtime names
// them, and the literals of tracer.Start, net/http, chi, gin and echo routes and SQL constants (raw strings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctx, def, defIndex, lit, outline } from './helpers';

const ORDERS = `package orders

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

const findOrder = \`SELECT id, total
FROM orders WHERE id = $1\`

type Service struct {
	db *sql.DB
}

type Store interface {
	Find(ctx context.Context, id string) (*Order, error)
}

func (s *Service) Place(ctx context.Context, id string) error {
	ctx, span := tracer.Start(ctx, "place order")
	defer span.End()
	go func() {
		log.Printf("audit %s\\n", id)
	}()
	return nil
}

func (s Service) Get(id string) {}

func (r *Repo[T]) Load() {}

func Routes(mux *http.ServeMux, r chi.Router, g *gin.Engine, e *echo.Echo) {
	mux.HandleFunc("GET /orders/{id}", getOrder)
	http.Handle("/metrics", otelhttp.NewHandler(h, "metrics"))
	r.Get("/chi/orders/{id}", getOrder)
	g.GET("/gin/orders/:id", getOrder)
	e.POST("/echo/orders", createOrder)
	otel.Tracer("shop").Start(ctx, "chained")
}
`;

test('Go: package, structs, interfaces, methods with receivers (pointer, value, generic), closures', async () => {
  const o = await outline('go', ORDERS);
  assert.equal(o.package, 'orders');
  assert.deepEqual(o.definitions.map(d => [d.kind, d.name, d.receiver ?? null, d.line, d.endLine]), [
    ['struct', 'Service', null, 12, 14],
    ['interface', 'Store', null, 16, 18],
    ['method', 'Place', 'Service', 20, 27],
    ['function', 'func1', null, 23, 25],
    ['method', 'Get', 'Service', 29, 29],
    ['method', 'Load', 'Repo', 31, 31],
    ['function', 'Routes', null, 33, 40],
  ]);
  const place = def(o, 'Place');
  assert.deepEqual(place.containers, []);
  const closure = def(o, 'func1');
  assert.deepEqual([closure.anonymous, closure.parent], [true, defIndex(o, place)]);
  assert.equal(lit(o, 'audit %s\n').enclosing, defIndex(o, closure));
});

test('Go: tracer.Start span names, net/http, chi, gin and echo routes, SQL in a raw-string constant', async () => {
  const o = await outline('go', ORDERS);
  const routes = defIndex(o, def(o, 'Routes'));
  const start = lit(o, 'place order');
  assert.deepEqual(ctx(start), { line: 21, callee: 'Start', receiver: 'tracer', argIndex: 1 });
  assert.deepEqual([start.column, start.enclosing], [33, defIndex(o, def(o, 'Place'))]);
  assert.deepEqual(ctx(lit(o, 'GET /orders/{id}')), { line: 34, callee: 'HandleFunc', receiver: 'mux', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, '/metrics')), { line: 35, callee: 'Handle', receiver: 'http', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, 'metrics')), { line: 35, callee: 'NewHandler', receiver: 'otelhttp', argIndex: 1 });
  assert.deepEqual(ctx(lit(o, '/chi/orders/{id}')), { line: 36, callee: 'Get', receiver: 'r', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, '/gin/orders/:id')), { line: 37, callee: 'GET', receiver: 'g', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, '/echo/orders')), { line: 38, callee: 'POST', receiver: 'e', argIndex: 0 });
  assert.equal(lit(o, '/echo/orders').enclosing, routes);
  // A chained call's receiver is the call it is made on.
  assert.deepEqual(ctx(lit(o, 'chained')), { line: 39, callee: 'Start', receiver: 'Tracer', argIndex: 1 });
  assert.deepEqual(ctx(lit(o, 'SELECT id, total\nFROM orders WHERE id = $1')), { line: 9, assignedTo: 'findOrder' });
});

test('Go: nested closures are numbered like the runtime (func1, func1.1, func2)', async () => {
  const o = await outline('go', `package main

func main() {
	handle(func() {
		defer func() { recover() }()
	})
	go func() {}()
}

var hook = func() string { return "x" }
`);
  assert.deepEqual(o.definitions.map(d => [d.name, d.line, d.parent ?? null]), [
    ['main', 3, null],
    ['func1', 4, 0],
    ['func1.1', 5, 1],
    ['func2', 7, 0],
    // Go calls a package-level closure glob..func1: no enclosing function.
    ['func1', 10, null],
  ]);
});
