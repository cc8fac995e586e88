// Spans without code.* (Go, Node, Python, .NET auto-instrumentation): span names in span-starting calls, route
// declarations, URL-building literals, SQL text, RPC implementations — over hand-written outlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapSpans } from '../../../../../src/core/mapping/engine/engine';
import type { SpanFacts } from '../../../../../src/core/mapping/engine/types';
import type { Definition, FileOutline, StringLiteral } from '../../../../../src/core/mapping/syntax/types';
import { cannedSyntax, memoryWorkspace } from '../../../../support/mappingWorkspace';

const W = '/w';
function d(kind: Definition['kind'], name: string, containers: string[], line: number, endLine = line + 5, extra: Partial<Definition> = {}): Definition {
  return { kind, name, containers, line, endLine, ...extra };
}
function lit(value: string, line: number, callee: string, extra: Partial<StringLiteral> = {}): StringLiteral {
  return { value, line, column: 5, callee, argIndex: 0, ...extra };
}
function span(p: Partial<SpanFacts>): SpanFacts {
  return { service: 'shop', name: 'op', kind: 'internal', attributes: {}, stackTraces: [], ...p };
}
async function map(files: Record<string, string>, outlines: Record<string, Partial<FileOutline>>, spans: SpanFacts[]) {
  return mapSpans(spans, memoryWorkspace([W], files, cannedSyntax(outlines)));
}

test('span name inside tracer.Start / startActiveSpan / start_as_current_span; a log line with the same text is not it', async () => {
  const go = `${W}/driver/redis.go`;
  const js = `${W}/web/orders.js`;
  const files = {
    [go]: 'ctx, span := tracer.Start(ctx, "FindDriverIDs")\nlog.Print("FindDriverIDs")\n',
    [js]: 'tracer.startActiveSpan("checkout", span => {})\nconsole.log("FindDriverIDs")',
  };
  const outlines = {
    [go]: { language: 'go' as const, definitions: [d('method', 'FindDriverIDs', [], 10, 30, { receiver: 'Redis' })], literals: [lit('FindDriverIDs', 12, 'Start', { receiver: 'tracer', argIndex: 1, enclosing: 0 }), lit('FindDriverIDs', 14, 'Print', { receiver: 'log' })] },
    [js]: { language: 'javascript' as const, literals: [lit('checkout', 3, 'startActiveSpan', { receiver: 'tracer' }), lit('FindDriverIDs', 9, 'log', { receiver: 'console' })] },
  };
  const [a, b] = await map(files, outlines, [span({ name: 'FindDriverIDs' }), span({ name: 'checkout' })]);
  assert.deepEqual([a!.confidence, a!.file, a!.line], ['high', go, 12]);
  assert.match(a!.reason, /span name in tracer\.Start/);
  assert.deepEqual([b!.confidence, b!.file, b!.line], ['high', js, 3]);
});

test('@WithSpan("charge card") lands on the annotated method', async () => {
  const f = `${W}/src/main/java/shop/Payments.java`;
  const outlines = { [f]: { package: 'shop', definitions: [d('class', 'Payments', [], 3, 40), d('method', 'charge', ['Payments'], 9, 15)], literals: [lit('charge card', 8, 'WithSpan', { annotation: true })] } };
  const [m] = await map({ [f]: '@WithSpan("charge card")' }, outlines, [span({ name: 'charge card' })]);
  assert.deepEqual([m!.confidence, m!.line], ['high', 9]);
});

test('HTTP server routes: Express, Spring class prefix + @GetMapping, Flask <int:id>; the POST of the same path is not the GET', async () => {
  const ex = `${W}/api/routes.js`;
  const sp = `${W}/src/main/java/shop/OrderController.java`;
  const fl = `${W}/py/app.py`;
  const files = {
    [ex]: "app.get('/api/orders/:id', h); app.post('/api/orders/:id', h2)",
    [sp]: '@RequestMapping("/orders") class OrderController { @GetMapping("/{id}") get() {} @PostMapping("/{id}") post() {} }',
    [fl]: '@app.route("/items/<int:item_id>")',
  };
  const outlines = {
    [ex]: { language: 'javascript' as const, literals: [lit('/api/orders/:id', 4, 'get', { receiver: 'app' }), lit('/api/orders/:id', 9, 'post', { receiver: 'app' })] },
    [sp]: {
      package: 'shop',
      definitions: [d('class', 'OrderController', [], 6, 40), d('method', 'get', ['OrderController'], 11, 14), d('method', 'post', ['OrderController'], 17, 20)],
      literals: [lit('/orders', 5, 'RequestMapping', { annotation: true }), lit('/{id}', 10, 'GetMapping', { annotation: true }), lit('/{id}', 16, 'PostMapping', { annotation: true })],
    },
    [fl]: { language: 'python' as const, definitions: [d('function', 'item', [], 8)], literals: [lit('/items/<int:item_id>', 7, 'route', { receiver: 'app', annotation: true })] },
  };
  const [e, p, s, f] = await map(files, outlines, [
    span({ kind: 'server', name: 'GET /api/orders/:id', attributes: { 'http.route': '/api/orders/:id', 'http.request.method': 'GET' } }),
    span({ kind: 'server', name: 'POST /api/orders/{id}', attributes: { 'http.request.method': 'POST' } }),
    span({ kind: 'server', name: 'GET /orders/{id}', attributes: { 'http.route': '/orders/{id}', 'http.request.method': 'GET' } }),
    span({ kind: 'server', name: 'GET /items/<int:item_id>', attributes: { 'http.route': '/items/{item_id}' } }),
  ]);
  assert.deepEqual([e!.confidence, e!.file, e!.line], ['high', ex, 4]);
  assert.deepEqual([p!.confidence, p!.file, p!.line], ['high', ex, 9]);
  assert.deepEqual([s!.confidence, s!.file, s!.line], ['high', sp, 11]);
  assert.match(s!.reason, /prefix \/orders/);
  assert.deepEqual([f!.confidence, f!.file, f!.line], ['high', fl, 8]);
});

test('DB spans: the literal holding the query, whitespace and placeholders normalized', async () => {
  const f = `${W}/repo/orders.py`;
  const q = 'SELECT id, total\n    FROM orders\n   WHERE customer_id = %s AND status = %s';
  const files = { [f]: `cur.execute("""${q}""", (cid, st))\ncur.execute("SELECT id FROM orders")` };
  const outlines = { [f]: { language: 'python' as const, literals: [lit(q, 21, 'execute'), lit('SELECT id FROM orders', 30, 'execute')] } };
  const [m] = await map(files, outlines, [span({ kind: 'client', name: 'SELECT shop.orders', attributes: { 'db.query.text': "SELECT id, total FROM orders WHERE customer_id = 42 AND status = 'open'" } })]);
  assert.deepEqual([m!.confidence, m!.line], ['high', 21]);
});

test('HTTP client spans: the literal that builds the URL; the most specific template wins', async () => {
  const f = `${W}/client/inventory.go`;
  const files = { [f]: 'fmt.Sprintf("http://%s/inventory/items/%d/stock", host, id)\nhttp.Get("http://inventory/")' };
  const outlines = { [f]: { language: 'go' as const, literals: [lit('http://%s/inventory/items/%d/stock', 18, 'Sprintf'), lit('http://inventory/', 25, 'Get')] } };
  const [m] = await map(files, outlines, [span({ kind: 'client', name: 'GET', attributes: { 'url.full': 'http://inventory:8080/inventory/items/7/stock?x=1' } })]);
  assert.deepEqual([m!.confidence, m!.line], ['high', 18]);
});

test('RPC servers: the implementing method, not the generated stub or a client helper', async () => {
  const impl = `${W}/greeter/server.go`;
  const stub = `${W}/proto/helloworld_grpc.pb.go`;
  const client = `${W}/client/main.go`;
  const files = { [impl]: 'func (s *server) SayHello(', [stub]: 'func (UnimplementedGreeterServer) SayHello(', [client]: 'func SayHello(' };
  const outlines = {
    [impl]: { language: 'go' as const, package: 'main', definitions: [d('method', 'SayHello', [], 31, 40, { receiver: 'server' })] },
    [stub]: { language: 'go' as const, package: 'helloworld', definitions: [d('method', 'SayHello', [], 80, 82, { receiver: 'UnimplementedGreeterServer' })] },
    [client]: { language: 'go' as const, package: 'main', definitions: [d('function', 'SayHello', [], 5)] },
  };
  const [m, c] = await map(files, outlines, [
    span({ kind: 'server', name: 'helloworld.Greeter/SayHello', attributes: { 'rpc.system': 'grpc', 'rpc.service': 'helloworld.Greeter', 'rpc.method': 'SayHello' } }),
    span({ kind: 'client', name: 'helloworld.Greeter/SayHello', attributes: { 'rpc.system': 'grpc', 'rpc.service': 'helloworld.Greeter', 'rpc.method': 'SayHello' } }),
  ]);
  assert.deepEqual([m!.confidence, m!.file, m!.line], ['high', impl, 31]);
  assert.equal(c!.confidence, 'none', 'a client span is not the server implementation');
});

test('two places start a span of the same name: low confidence, both candidates; the service\'s directory ranks first', async () => {
  const a = `${W}/orders-service/main.go`;
  const b = `${W}/billing/main.go`;
  const files = { [a]: '"process"', [b]: '"process"' };
  const outlines = {
    [a]: { language: 'go' as const, literals: [lit('process', 7, 'Start', { argIndex: 1 })] },
    [b]: { language: 'go' as const, literals: [lit('process', 9, 'Start', { argIndex: 1 })] },
  };
  const [m] = await map(files, outlines, [span({ service: 'orders-service', name: 'process' })]);
  assert.equal(m!.confidence, 'low');
  assert.deepEqual(m!.candidates.map(c => c.file), [a, b]);
});

test('a 10,000-span trace is mapped once per distinct operation', async () => {
  const go = `${W}/driver/redis.go`;
  let outlined = 0;
  const syntax = cannedSyntax({ [go]: { language: 'go', literals: [lit('FindDriverIDs', 12, 'Start', { argIndex: 1 })] } });
  const counting = { ...syntax, outline: (p: string, t: string, v?: string) => { outlined++; return syntax.outline(p, t, v); } };
  const spans = Array.from({ length: 10_000 }, (_, i) => span({ name: i % 2 ? 'FindDriverIDs' : 'GetDriver' }));
  const t0 = performance.now();
  const out = await mapSpans(spans, memoryWorkspace([W], { [go]: 'tracer.Start(ctx, "FindDriverIDs")' }, counting));
  const ms = performance.now() - t0;
  assert.equal(out.filter(m => m.line === 12).length, 5000);
  assert.equal(outlined, 1);
  assert.ok(ms < 1000, `${ms} ms`);
});

test('a query built by concatenation: the literal holding its start, as a guess', async () => {
  const f = `${W}/repo/search.java`;
  const files = { [f]: 'String sql = "SELECT id, name, price FROM products WHERE " + filter;' };
  const outlines = { [f]: { literals: [lit('SELECT id, name, price FROM products WHERE ', 14, 'append')] } };
  const [m] = await map(files, outlines, [span({ kind: 'client', name: 'SELECT products', attributes: { 'db.statement': "SELECT id, name, price FROM products WHERE category = 'tea' AND price < 10" } })]);
  assert.deepEqual([m!.confidence, m!.line], ['low', 14]);
  assert.match(m!.reason, /starts with this literal/);
});

test('JAX-RS: @Path on the class and a relative @Path("{id}") on the method', async () => {
  const f = `${W}/src/main/java/shop/OrderResource.java`;
  const outlines = {
    [f]: {
      package: 'shop',
      definitions: [d('class', 'OrderResource', [], 4, 30), d('method', 'get', ['OrderResource'], 9, 12), d('method', 'list', ['OrderResource'], 15, 18)],
      literals: [lit('orders', 3, 'Path', { annotation: true, target: 0 }), lit('{id}', 8, 'Path', { annotation: true, target: 1 })],
    },
  };
  const [m] = await map({ [f]: '@Path("orders") class OrderResource { @GET @Path("{id}") get() {} }' }, outlines, [span({ kind: 'server', name: 'GET /orders/{id}', attributes: { 'http.route': '/orders/{id}' } })]);
  assert.deepEqual([m!.confidence, m!.line], ['high', 9]);
});
