// The engine's matching logic over hand-written outlines (what the tree-sitter service reports for each file), one
// test per language convention and heuristic, each with the trap that would put a span on the wrong line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapSpans } from '../../../../../src/core/mapping/engine/engine';
import type { SpanFacts } from '../../../../../src/core/mapping/engine/types';
import type { Definition, FileOutline } from '../../../../../src/core/mapping/syntax/types';
import { cannedSyntax, memoryWorkspace } from '../../../../support/mappingWorkspace';

const W = '/w';

function d(kind: Definition['kind'], name: string, containers: string[], line: number, endLine = line + 5, extra: Partial<Definition> = {}): Definition {
  return { kind, name, containers, line, endLine, ...extra };
}
function span(p: Partial<SpanFacts>): SpanFacts {
  return { service: 'shop', name: 'op', kind: 'internal', attributes: {}, stackTraces: [], ...p };
}
async function map1(files: Record<string, string>, outlines: Record<string, Partial<FileOutline>>, s: SpanFacts, opts = {}) {
  const [m] = await mapSpans([s], memoryWorkspace([W], files, cannedSyntax(outlines)), opts);
  return m!;
}

// Two modules, two OrderService.java (different packages), both with placeOrder; a nested Audit class with a
// method of the same name as its outer class's.
const SHOP = `${W}/shop/src/main/java/com/example/shop/OrderService.java`;
const BILLING = `${W}/billing/src/main/java/com/example/billing/OrderService.java`;
const javaFiles = { [SHOP]: '', [BILLING]: '' };
const javaOutlines: Record<string, Partial<FileOutline>> = {
  [SHOP]: {
    package: 'com.example.shop',
    definitions: [
      d('class', 'OrderService', [], 5, 60),
      d('method', 'placeOrder', ['OrderService'], 10, 20, { paramTypes: ['Order'] }),
      d('method', 'record', ['OrderService'], 22, 25),
      d('method', 'chargeCard', ['OrderService'], 27, 35),
      d('method', 'quote', ['OrderService'], 37, 39, { paramTypes: ['String'] }),
      d('method', 'quote', ['OrderService'], 41, 45, { paramTypes: ['String', 'int'] }),
      d('class', 'Audit', ['OrderService'], 47, 58),
      d('method', 'record', ['OrderService', 'Audit'], 50, 55),
    ],
  },
  [BILLING]: { package: 'com.example.billing', definitions: [d('class', 'OrderService', [], 3, 30), d('method', 'placeOrder', ['OrderService'], 12, 18)] },
};

test('Java agent, default semconv: code.namespace + code.function → the method in the right package', async () => {
  const m = await map1(javaFiles, javaOutlines, span({ code: { namespace: 'com.example.shop.OrderService', function: 'placeOrder' } }));
  assert.equal(m.confidence, 'high');
  assert.equal(m.file, SHOP);
  assert.equal(m.line, 10);
  assert.match(m.reason, /com\.example\.shop\.OrderService\.placeOrder declared here/);
  const b = await map1(javaFiles, javaOutlines, span({ code: { namespace: 'com.example.billing.OrderService', function: 'placeOrder' } }));
  assert.deepEqual([b.confidence, b.file, b.line], ['high', BILLING, 12]);
});

test('Java agent, opt-in code and code/dup: code.function.name alone, or with the namespace repeated', async () => {
  const a = await map1(javaFiles, javaOutlines, span({ code: { function: 'com.example.shop.OrderService.placeOrder' } }));
  assert.deepEqual([a.confidence, a.file, a.line], ['high', SHOP, 10]);
  const dup = await map1(javaFiles, javaOutlines, span({ code: { function: 'com.example.shop.OrderService.placeOrder', namespace: 'com.example.shop.OrderService' } }));
  assert.deepEqual([dup.confidence, dup.file, dup.line], ['high', SHOP, 10]);
});

test('nested, anonymous and lambda names: Outer$Inner picks the inner method, not the outer one of the same name', async () => {
  const inner = await map1(javaFiles, javaOutlines, span({ code: { namespace: 'com.example.shop.OrderService$Audit', function: 'record' } }));
  assert.deepEqual([inner.confidence, inner.line], ['high', 50]);
  const outer = await map1(javaFiles, javaOutlines, span({ code: { namespace: 'com.example.shop.OrderService', function: 'record' } }));
  assert.deepEqual([outer.confidence, outer.line], ['high', 22]);
  const lambda = await map1(javaFiles, javaOutlines, span({ code: { function: 'com.example.shop.OrderService.lambda$placeOrder$0' } }));
  assert.deepEqual([lambda.confidence, lambda.line], ['high', 10]);
  const anon = await map1(javaFiles, javaOutlines, span({ code: { namespace: 'com.example.shop.OrderService$1', function: 'chargeCard' } }));
  assert.deepEqual([anon.file, anon.line], [SHOP, 27]);
});

test('overloads are ranked, never a confident guess; a stack frame inside one picks it', async () => {
  const m = await map1(javaFiles, javaOutlines, span({ code: { namespace: 'com.example.shop.OrderService', function: 'quote' } }));
  assert.equal(m.confidence, 'low');
  assert.deepEqual(m.candidates.map(c => c.line), [37, 41]);
  assert.match(m.reason, /2 definitions match/);
  const trace = 'java.lang.IllegalStateException: bad\n\tat com.example.shop.OrderService.quote(OrderService.java:43)\n\tat com.example.shop.Api.run(Api.java:9)';
  const p = await map1(javaFiles, javaOutlines, span({ code: { namespace: 'com.example.shop.OrderService', function: 'quote' }, stackTraces: [trace] }));
  assert.deepEqual([p.confidence, p.line], ['high', 41]);
  assert.match(p.reason, /stack frame/);
});

test('a Java stack trace alone resolves through the package path, not the bare file name', async () => {
  const trace = 'java.lang.RuntimeException: card declined\n\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)\n\tat com.example.billing.OrderService.placeOrder(OrderService.java:15)\n\tat com.example.shop.Api.run(Api.java:9)';
  const m = await map1(javaFiles, javaOutlines, span({ stackTraces: [trace] }));
  // the throw line is inside the span's work, not where the span was made: a place to start, never 'exact'
  assert.deepEqual([m.confidence, m.file, m.line], ['low', BILLING, 15]);
  assert.match(m.reason, /first exception stack frame/);
});

test('Kotlin file facades and Kotlin classes under src/main/kotlin', async () => {
  const kt = `${W}/app/src/main/kotlin/com/example/shop/Pricing.kt`;
  const m = await map1({ [kt]: '' }, { [kt]: { package: 'com.example.shop', definitions: [d('function', 'discount', [], 7)] } }, span({ code: { namespace: 'com.example.shop.PricingKt', function: 'discount' } }));
  assert.deepEqual([m.confidence, m.file, m.line], ['high', kt, 7]);
});

test('C#: namespace + class → the file declaring it, partial classes across files', async () => {
  const a = `${W}/src/Shop/Orders/OrderService.cs`;
  const b = `${W}/src/Shop/Orders/OrderService.Audit.cs`;
  const other = `${W}/src/Billing/OrderService.cs`;
  const files = { [a]: 'partial class OrderService { }', [b]: 'namespace Shop.Orders; partial class OrderService { void Record() {} }', [other]: 'class OrderService { void Record() {} }' };
  const outlines = {
    [a]: { language: 'csharp' as const, package: 'Shop.Orders', namespaces: ['Shop.Orders'], definitions: [d('class', 'OrderService', [], 3, 20), d('method', 'PlaceOrder', ['OrderService'], 8)] },
    [b]: { language: 'csharp' as const, package: 'Shop.Orders', namespaces: ['Shop.Orders'], definitions: [d('class', 'OrderService', [], 3, 20), d('method', 'Record', ['OrderService'], 6)] },
    [other]: { language: 'csharp' as const, package: 'Billing', namespaces: ['Billing'], definitions: [d('class', 'OrderService', [], 3, 20), d('method', 'Record', ['OrderService'], 9)] },
  };
  const p = await map1(files, outlines, span({ code: { namespace: 'Shop.Orders.OrderService', function: 'PlaceOrder' } }));
  assert.deepEqual([p.confidence, p.file, p.line], ['high', a, 8]);
  const r = await map1(files, outlines, span({ code: { function: 'Shop.Orders.OrderService.Record' } }));
  assert.deepEqual([r.file, r.line], [b, 6], 'the partial class part that declares the method');
  assert.notEqual(r.file, other);
});

test('Python: module a.b.c → a/b/c.py or a/b/c/__init__.py, Class.method', async () => {
  const mod = `${W}/src/shop/orders/service.py`;
  const init = `${W}/src/shop/billing/__init__.py`;
  const outlines = {
    [mod]: { language: 'python' as const, definitions: [d('class', 'OrderService', [], 4, 30), d('method', 'place', ['OrderService'], 9), d('function', 'place', [], 33)] },
    [init]: { language: 'python' as const, definitions: [d('function', 'charge', [], 12)] },
  };
  const files = { [mod]: '', [init]: '' };
  const m = await map1(files, outlines, span({ code: { function: 'place', namespace: 'shop.orders.service.OrderService' } }));
  assert.deepEqual([m.confidence, m.line], ['high', 9], 'the method, not the module function of the same name');
  const f = await map1(files, outlines, span({ code: { function: 'shop.orders.service.place' } }));
  assert.deepEqual([f.confidence, f.line], ['high', 33]);
  const c = await map1(files, outlines, span({ code: { function: 'shop.billing.charge' } }));
  assert.deepEqual([c.confidence, c.file, c.line], ['high', init, 12]);
});

test('Go: import path through go.mod\'s module, receiver methods and funcs', async () => {
  const gomod = `${W}/go.mod`;
  const svc = `${W}/internal/orders/service.go`;
  const other = `${W}/internal/billing/service.go`;
  const files = { [gomod]: 'module github.com/acme/shop\n\ngo 1.22\n', [svc]: '', [other]: '' };
  const outlines = {
    [svc]: { language: 'go' as const, package: 'orders', definitions: [d('method', 'Place', [], 20, 30, { receiver: 'Service' }), d('function', 'Place', [], 40), d('method', 'Place', [], 50, 55, { receiver: 'Queue' })] },
    [other]: { language: 'go' as const, package: 'billing', definitions: [d('method', 'Place', [], 8, 12, { receiver: 'Service' })] },
  };
  const m = await map1(files, outlines, span({ code: { function: 'github.com/acme/shop/internal/orders.(*Service).Place' } }));
  assert.deepEqual([m.confidence, m.file, m.line], ['high', svc, 20]);
  const f = await map1(files, outlines, span({ code: { function: 'github.com/acme/shop/internal/orders.Place' } }));
  assert.deepEqual([f.confidence, f.line], ['high', 40]);
  const closure = await map1(files, outlines, span({ code: { function: 'github.com/acme/shop/internal/orders.(*Queue).Place.func1' } }));
  assert.deepEqual([closure.line], [50]);
});

test('Ruby: UsersController#index and Admin::UsersController#index (Rails conventions)', async () => {
  const u = `${W}/app/controllers/users_controller.rb`;
  const a = `${W}/app/controllers/admin/users_controller.rb`;
  const outlines = {
    [u]: { language: 'ruby' as const, definitions: [d('class', 'UsersController', [], 1, 20), d('method', 'index', ['UsersController'], 3)] },
    [a]: { language: 'ruby' as const, definitions: [d('module', 'Admin', [], 1, 20), d('class', 'UsersController', ['Admin'], 2, 19), d('method', 'index', ['Admin', 'UsersController'], 5)] },
  };
  const files = { [u]: '', [a]: '' };
  const top = await map1(files, outlines, span({ code: { function: 'UsersController#index' } }));
  assert.deepEqual([top.confidence, top.file, top.line], ['high', u, 3]);
  const admin = await map1(files, outlines, span({ code: { function: 'Admin::UsersController#index' } }));
  assert.deepEqual([admin.confidence, admin.file, admin.line], ['high', a, 5]);
});

test('PHP: PSR-4 roots from composer.json', async () => {
  const composer = `${W}/composer.json`;
  const ctl = `${W}/app/Http/Controllers/UserController.php`;
  const files = { [composer]: JSON.stringify({ autoload: { 'psr-4': { 'App\\': 'app/' } } }), [ctl]: '' };
  const outlines = { [ctl]: { language: 'php' as const, package: 'App\\Http\\Controllers', definitions: [d('class', 'UserController', [], 5, 40), d('method', 'index', ['UserController'], 12)] } };
  const m = await map1(files, outlines, span({ code: { function: 'App\\Http\\Controllers\\UserController::index' } }));
  assert.deepEqual([m.confidence, m.file, m.line], ['high', ctl, 12]);
});

test('JS/TS: Class.method in a file named after the class (any case style)', async () => {
  const f = `${W}/src/orders/order-service.ts`;
  const outlines = { [f]: { language: 'typescript' as const, definitions: [d('class', 'OrderService', [], 3, 30), d('method', 'place', ['OrderService'], 11)] } };
  const m = await map1({ [f]: 'class OrderService { place() {} }' }, outlines, span({ code: { function: 'OrderService.place' } }));
  assert.deepEqual([m.confidence, m.file, m.line], ['high', f, 11]);
});

test('code.file.path + line is exact; without a line the named function in that file', async () => {
  const f = `${W}/src/orders/service.ts`;
  const outlines = { [f]: { language: 'typescript' as const, definitions: [d('function', 'place', [], 14)] } };
  const e = await map1({ [f]: '' }, outlines, span({ code: { filePath: '/app/src/orders/service.ts', line: 17 } }), {});
  assert.deepEqual([e.confidence, e.file, e.line], ['high', f, 17], 'found by suffix: high, not exact');
  const x = await map1({ [f]: '' }, outlines, span({ code: { filePath: `${W}/src/orders/service.ts`, line: 17 } }));
  assert.equal(x.confidence, 'exact');
  const n = await map1({ [f]: '' }, outlines, span({ code: { filePath: 'src/orders/service.ts', function: 'place' } }));
  assert.deepEqual([n.confidence, n.line], ['high', 14]);
});

test('nothing found: confidence none with the reason; a path mapping is suggested only by a span path', async () => {
  const m = await map1(javaFiles, javaOutlines, span({ code: { namespace: 'com.example.shop.Missing', function: 'run' } }));
  assert.equal(m.confidence, 'none');
  assert.match(m.reason, /com\.example\.shop\.Missing\.run not found in the workspace/);
  assert.equal(m.spanPath, undefined);
  const p = await map1(javaFiles, javaOutlines, span({ code: { filePath: '/srv/app/lib/x.py', line: 3 } }));
  assert.equal(p.confidence, 'none');
  assert.equal(p.spanPath, '/srv/app/lib/x.py');
  assert.match(p.reason, /not in the workspace/);
});

test('overloads: the one annotated @WithSpan ranks first, still a guess', async () => {
  const f = `${W}/src/main/java/shop/Pricing.java`;
  const outlines = { [f]: { package: 'shop', definitions: [d('class', 'Pricing', [], 3, 30), d('method', 'price', ['Pricing'], 5, 7), d('method', 'price', ['Pricing'], 10, 12, { annotations: ['WithSpan'] })] } };
  const m = await map1({ [f]: '' }, outlines, span({ code: { namespace: 'shop.Pricing', function: 'price' } }));
  assert.equal(m.confidence, 'low');
  assert.deepEqual(m.candidates.map(c => c.line), [10, 5]);
});
