// Python outlines: module-level functions, classes and methods (constructors, nested functions), decorators and
// the literals of start_as_current_span (call, decorator, with), Flask, FastAPI and Django routes, f-strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotatedRows, assertDefinitions, ctx, def, defIndex, lit, outline } from './helpers';

const APP = `"""Orders service."""
from flask import Flask

app = Flask(__name__)
FIND_ORDER = "SELECT * FROM orders WHERE id = %s"


@app.route("/orders/<int:order_id>", methods=["GET"])
def get_order(order_id):
    with tracer.start_as_current_span(f"load order {order_id}") as span:
        return db.execute(FIND_ORDER, (order_id,))


@tracer.start_as_current_span("place order")
def place_order(items):
    span = tracer.start_span('validate', kind=SpanKind.INTERNAL)
    return r'\\d+' + "tab\\there"


class OrderService:
    """Handles orders."""

    def __init__(self, repo):
        self.repo = repo

    @router.get("/api/orders/{order_id}")
    async def fetch(self, order_id: int):
        def helper():
            return "inner"
        return helper()

    @staticmethod
    def build():
        pass


urlpatterns = [
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
]
`;

test('Python: module functions, classes, methods, constructors, nested functions, decorated definitions', async () => {
  const o = await outline('python', APP);
  assert.equal(o.package, undefined);
  assertDefinitions(o, '.', `
    function get_order 9-11
    function place_order 15-17
    class OrderService 20-34
    constructor OrderService.__init__ 23-24
    method OrderService.fetch 27-30
    function OrderService.helper 28-29
    method OrderService.build 33-34
  `);
  assert.equal(def(o, 'helper').parent, defIndex(o, def(o, 'fetch')));
  assert.deepEqual(annotatedRows(o), [
    ['get_order', ['route']], ['place_order', ['start_as_current_span']], ['fetch', ['get']], ['build', ['staticmethod']],
  ]);
  assert.equal(lit(o, 'inner').enclosing, defIndex(o, def(o, 'helper')));
});

test('Python: span names in calls, decorators and with statements; f-strings keep their holes', async () => {
  const o = await outline('python', APP);
  const decorated = lit(o, 'place order');
  assert.deepEqual(ctx(decorated), { line: 14, callee: 'start_as_current_span', receiver: 'tracer', annotation: true, argIndex: 0 });
  assert.equal(decorated.target, defIndex(o, def(o, 'place_order')));
  const inWith = lit(o, 'load order {order_id}');
  assert.deepEqual(ctx(inWith), { line: 10, callee: 'start_as_current_span', receiver: 'tracer', argIndex: 0, template: true });
  assert.equal(inWith.enclosing, defIndex(o, def(o, 'get_order')));
  assert.deepEqual(ctx(lit(o, 'validate')), { line: 16, callee: 'start_span', receiver: 'tracer', argIndex: 0 });
  assert.equal(lit(o, 'validate').column, 30);
});

test('Python: Flask, FastAPI and Django routes; SQL constants; raw and escaped strings', async () => {
  const o = await outline('python', APP);
  const flask = lit(o, '/orders/<int:order_id>');
  assert.deepEqual(ctx(flask), { line: 8, callee: 'route', receiver: 'app', annotation: true, argIndex: 0 });
  assert.equal(flask.target, defIndex(o, def(o, 'get_order')));
  assert.deepEqual(ctx(lit(o, 'GET')), { line: 8, callee: 'route', receiver: 'app', annotation: true, argIndex: 1, argName: 'methods' });
  const fastapi = lit(o, '/api/orders/{order_id}');
  assert.deepEqual(ctx(fastapi), { line: 26, callee: 'get', receiver: 'router', annotation: true, argIndex: 0 });
  assert.equal(fastapi.target, defIndex(o, def(o, 'fetch')));
  assert.deepEqual(ctx(lit(o, 'orders/<int:pk>/')), { line: 38, callee: 'path', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, 'order-detail')), { line: 38, callee: 'path', argIndex: 2, argName: 'name' });
  assert.deepEqual(ctx(lit(o, 'SELECT * FROM orders WHERE id = %s')), { line: 5, assignedTo: 'FIND_ORDER' });
  assert.equal(lit(o, '\\d+').line, 17);
  assert.equal(lit(o, 'tab\there').line, 17);
});
