import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQualifiedName, pickSymbol, rankSymbols, type SymbolCandidate } from '../../../../src/core/mapping/symbols';

test('qualified names in each language spelling', () => {
  assert.deepEqual(parseQualifiedName('placeOrder', 'com.acme.OrderService'), { name: 'placeOrder', containers: ['com', 'acme', 'OrderService'] });
  assert.deepEqual(parseQualifiedName('com.acme.OrderService.placeOrder'), { name: 'placeOrder', containers: ['com', 'acme', 'OrderService'] });
  assert.deepEqual(parseQualifiedName('com.acme.OrderService.placeOrder', 'com.acme.OrderService'), { name: 'placeOrder', containers: ['com', 'acme', 'OrderService'] });
  assert.deepEqual(parseQualifiedName('github.com/acme/shop/orders.(*Service).Place'), { name: 'Place', containers: ['github', 'com', 'acme', 'shop', 'orders', 'Service'] });
  assert.deepEqual(parseQualifiedName('Acme.Orders.OrderService.PlaceOrder(Order, Int32)'), { name: 'PlaceOrder', containers: ['Acme', 'Orders', 'OrderService'] });
  assert.deepEqual(parseQualifiedName('OrderService#place_order'), { name: 'place_order', containers: ['OrderService'] });
  assert.deepEqual(parseQualifiedName('Acme\\Orders\\OrderService::place'), { name: 'place', containers: ['Acme', 'Orders', 'OrderService'] });
  assert.deepEqual(parseQualifiedName('orders.service:place_order'), { name: 'place_order', containers: ['orders', 'service'] });
  assert.deepEqual(parseQualifiedName('async OrderService.placeOrder'), { name: 'placeOrder', containers: ['OrderService'] });
  assert.deepEqual(parseQualifiedName('java.util.Map<K,V>.get'), { name: 'get', containers: ['java', 'util', 'Map'] });
  assert.equal(parseQualifiedName(''), undefined);
  assert.equal(parseQualifiedName('<script>alert(1)</script>'), undefined);
  assert.equal(parseQualifiedName('x'.repeat(2000)), undefined);
});

const c = (name: string, containerName: string | undefined, path: string, kind: SymbolCandidate['kind'] = 'method', line = 10): SymbolCandidate =>
  containerName === undefined ? { name, kind, path, line } : { name, containerName, kind, path, line };

test('the class and package decide between same-named methods', () => {
  const q = parseQualifiedName('placeOrder', 'com.acme.OrderService')!;
  const candidates = [
    c('placeOrder(Order)', 'LegacyOrderService', '/w/src/main/java/com/acme/legacy/LegacyOrderService.java'),
    c('placeOrder(Order)', 'OrderService', '/w/src/main/java/com/acme/OrderService.java', 'method', 42),
    c('placeOrder', 'OrderServiceTest', '/w/src/test/java/com/acme/OrderServiceTest.java'),
    c('cancelOrder', 'OrderService', '/w/src/main/java/com/acme/OrderService.java'),
  ];
  const ranked = rankSymbols(q, candidates);
  assert.equal(ranked.length, 3, 'cancelOrder is not a candidate');
  assert.equal(ranked[0]!.candidate.line, 42);
  const pick = pickSymbol(q, candidates);
  assert.equal(pick.kind, 'unique');
  if (pick.kind === 'unique') assert.equal(pick.symbol.path, '/w/src/main/java/com/acme/OrderService.java');
});

test('case and snake_case variants rank below exact names; methods above classes', () => {
  const q = parseQualifiedName('place_order', 'orders.service')!;
  const ranked = rankSymbols(q, [c('PlaceOrder', undefined, '/w/a.go', 'function'), c('place_order', undefined, '/w/orders/service.py', 'function'), c('placeOrder', undefined, '/w/b.ts', 'function')]);
  assert.deepEqual(ranked.map(r => r.candidate.path), ['/w/orders/service.py', '/w/a.go', '/w/b.ts']);
  assert.ok(ranked[0]!.score > ranked[1]!.score);
  assert.equal(ranked[1]!.score, ranked[2]!.score, 'PlaceOrder and placeOrder are the same snake_case name');
  const q2 = parseQualifiedName('Billing')!;
  const r2 = rankSymbols(q2, [c('Billing', undefined, '/w/a.ts', 'class'), c('Billing', undefined, '/w/b.ts', 'function')]);
  assert.equal(r2[0]!.candidate.path, '/w/b.ts');
});

test('indistinguishable candidates are reported as ambiguous', () => {
  const q = parseQualifiedName('handle')!;
  const pick = pickSymbol(q, [c('handle', 'A', '/w/a.ts'), c('handle', 'B', '/w/b.ts')]);
  assert.equal(pick.kind, 'ambiguous');
  assert.deepEqual(pickSymbol(q, []), { kind: 'none' });
});
