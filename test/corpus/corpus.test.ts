// The committed code-mapping corpus is consistent: every capture is labelled (each span has an @span marker or an
// external.json rule), expected*.json is what the markers say today, and the captures contain what the issue asks of
// each app (code.* in the Java agent's three modes, route/RPC/DB/manual spans elsewhere).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR } from '../../scripts/capture-corpus.mjs';
import { declarationBlock, deriveExpected, flattenCapture, readMarkers, type FlatSpan } from '../../scripts/corpus/truth.mjs';

const apps = readdirSync(CORPUS_DIR, { withFileTypes: true }).filter(d => d.isDirectory()).map(d => d.name);
const captures = (app: string) => readdirSync(join(CORPUS_DIR, app)).filter(f => /^capture.*\.json$/.test(f) && f !== 'capture-meta.json');
const load = (app: string, file: string): unknown => JSON.parse(readFileSync(join(CORPUS_DIR, app, file), 'utf8'));
const spansOf = (app: string, file: string): FlatSpan[] => flattenCapture(load(app, file));

test('the corpus has its four apps (Java, Go, Node, Python), each with at least one capture', () => {
  assert.deepEqual(apps.sort(), ['go-dispatch', 'java-shop', 'node-catalog', 'py-inventory']);
  for (const app of apps) assert.ok(captures(app).length > 0, app);
});

for (const app of apps) {
  for (const file of captures(app)) {
    test(`${app}/${file}: expected file matches the @span markers and labels every span`, () => {
      const derived = deriveExpected(join(CORPUS_DIR, app), load(app, file));
      const committed = JSON.parse(readFileSync(join(CORPUS_DIR, app, file.replace(/^capture/, 'expected')), 'utf8'));
      assert.deepEqual(committed, derived, 'run `node scripts/capture-corpus.mjs --expected-only` after changing a marker');
      assert.ok(derived.spans.some(s => s.file !== null), 'some spans are made by the app code');
    });
  }
  test(`${app}: every @span marker is hit by some span of its captures`, () => {
    const hit = new Set<string>();
    for (const file of captures(app)) {
      for (const s of deriveExpected(join(CORPUS_DIR, app), load(app, file)).spans) for (const l of s.locations) hit.add(`${l.file}:${l.line}`);
    }
    const unused = readMarkers(join(CORPUS_DIR, app)).filter(m => !hit.has(`${m.file}:${m.line}`));
    assert.deepEqual(unused.map(m => `${m.file}:${m.line} ${m.name}`), []);
  });
}

test('a decorated declaration is one place: its decorator lines and its declaration line, wherever the marker sits', () => {
  const py = ['x = 1', '', '@bp.get("/items")  # @span GET /items', '@login_required', 'def get_items():', '    return []', ''];
  assert.deepEqual(declarationBlock(py, 2), [3, 4, 5]);
  assert.deepEqual(declarationBlock(py, 4), [3, 4, 5]);
  assert.deepEqual(declarationBlock(py, 0), [1], 'a line that is neither');
  assert.deepEqual(declarationBlock(py, 5), [6], 'the body is not the declaration');
  const java = ['    @WithSpan', '    public Order placeOrder(Order order) { // @span OrderService.placeOrder', '    }'];
  assert.deepEqual(declarationBlock(java, 1), [1, 2]);
  // a call on the line after a decorator-free line is not pulled in
  assert.deepEqual(declarationBlock(['app.get("/x", h); // @span GET /x', 'app.use(y);'], 0), [1]);
});

test('java-shop: the agent reports code.* in each semconv mode as the issue describes', () => {
  const fn = (file: string) => spansOf('java-shop', file).filter(s => s.name === 'Audit.record');
  const old = fn('capture-default.json');
  assert.ok(old.length > 0);
  for (const s of old) {
    assert.equal(s.attrs.get('code.namespace'), 'com.example.shop.OrderService$Audit');
    assert.equal(s.attrs.get('code.function'), 'record');
    assert.equal(s.attrs.has('code.function.name'), false);
  }
  for (const s of fn('capture-code.json')) {
    assert.equal(s.attrs.get('code.function.name'), 'com.example.shop.OrderService$Audit.record');
    assert.equal(s.attrs.has('code.namespace'), false);
  }
  for (const s of fn('capture-code-dup.json')) {
    assert.equal(s.attrs.get('code.function.name'), 'com.example.shop.OrderService$Audit.record');
    assert.equal(s.attrs.get('code.namespace'), 'com.example.shop.OrderService$Audit');
  }
  const all = spansOf('java-shop', 'capture-default.json');
  assert.ok(all.some(s => s.attrs.get('code.namespace') === 'com.example.shop.OrderService$1'), 'the anonymous class');
  assert.equal(new Set(all.filter(s => s.name === 'OrderService.placeOrder').map(s => s.attrs.has('quantity'))).size, 2, 'both overloads');
  const charge = all.find(s => s.name === 'charge card' && JSON.stringify(s.span).includes('exception.stacktrace'));
  assert.match(JSON.stringify(charge?.span), /at com\.example\.shop\.OrderService\.chargeCard\(OrderService\.java:\d+\)/);
  // No file or line from the agent, in any mode: mapping has to find them.
  for (const file of captures('java-shop')) {
    for (const s of spansOf('java-shop', file)) {
      for (const k of ['code.filepath', 'code.file.path', 'code.lineno', 'code.line.number']) assert.equal(s.attrs.has(k), false, `${file} ${s.name} ${k}`);
    }
  }
});

test('go, python and node captures carry no code.* at all, but routes, RPC, SQL and manual span names', () => {
  for (const app of ['go-dispatch', 'py-inventory', 'node-catalog']) {
    const spans = spansOf(app, 'capture.json');
    assert.deepEqual(spans.filter(s => [...s.attrs.keys()].some(k => k.startsWith('code.'))).map(s => s.name), [], app);
  }
  const go = spansOf('go-dispatch', 'capture.json');
  assert.ok(go.some(s => s.kind === 'server' && s.name === 'dispatch.Pricing/Quote'));
  assert.ok(go.some(s => s.kind === 'client' && s.name === 'dispatch.Pricing/Quote'));
  assert.ok(go.some(s => s.name === 'GET /eta/{driver}'));
  assert.ok(go.some(s => s.name === 'FindNearest' && JSON.stringify(s.span).includes('drivers.go:')), 'a Go stack trace');
  const py = spansOf('py-inventory', 'capture.json');
  assert.ok(py.some(s => s.attrs.get('http.route') === '/items/<int:item_id>'));
  assert.ok(py.some(s => s.attrs.get('db.statement')?.startsWith('SELECT id, name, stock, price FROM items')));
  assert.ok(py.some(s => s.name === 'price with tax') && py.some(s => s.name === 'apply discount'));
  const node = spansOf('node-catalog', 'capture.json');
  assert.ok(node.some(s => s.kind === 'server' && s.attrs.get('http.route') === '/api/products/:id'));
  assert.ok(node.some(s => s.name === 'load product' && JSON.stringify(s.span).includes('catalog.js:')), 'a Node stack trace');
});
