import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findInText, routeOf, routeRegexSource, searchPatternsFor } from '../../../../src/core/mapping/searchPatterns';

const SOURCE = [
  "import { trace } from '@opentelemetry/api';",                    // 1
  "const tracer = trace.getTracer('shop');",                         // 2
  "export async function charge() {",                                // 3
  "  return tracer.startActiveSpan('charge card', async span => {",  // 4
  "    span.end();",                                                 // 5
  "  });",                                                           // 6
  "}",                                                               // 7
  "router.get('/orders/:id', getOrder);",                            // 8
  "const s = tracer.startSpan(\"charge card (retry)\");",            // 9
  "@WithSpan(value = \"inventory.reserve\")",                        // 10
  "with tracer.start_as_current_span('charge card'):",              // 11
  "ctx, span := tracer.Start(ctx, \"charge card\")",                // 12
].join('\n');

test('span names are found the way each SDK starts spans', () => {
  const m = findInText(SOURCE, searchPatternsFor('charge card'));
  assert.deepEqual(m.map(x => [x.line, x.kind]), [[4, 'startSpan'], [11, 'python'], [12, 'go']]);
  assert.deepEqual(findInText(SOURCE, searchPatternsFor('inventory.reserve')).map(x => [x.line, x.kind]), [[10, 'withSpan']]);
  // Regex metacharacters in the name are literal.
  assert.deepEqual(findInText(SOURCE, searchPatternsFor('charge card (retry)')).map(x => x.line), [9]);
  assert.deepEqual(findInText(SOURCE, searchPatternsFor('charge.card')), []);
  assert.deepEqual(findInText(SOURCE, searchPatternsFor('.*')), []);
});

test('routes match whatever parameter syntax the router uses', () => {
  assert.equal(routeOf('GET /orders/:id'), '/orders/:id');
  assert.equal(routeOf('GET', '/orders/{id}'), '/orders/{id}');
  assert.equal(routeOf('charge card'), undefined);
  const src = routeRegexSource('/orders/{id}')!;
  const re = new RegExp(src);
  for (const ok of ["'/orders/:id'", '"/orders/{orderId}"', '"/orders/<int:id>"', "`/orders/[id]`", "'/orders/:id/'"]) assert.ok(re.test(ok), ok);
  for (const bad of ["'/orders/5/items'", "'/orders'", "'/orders/:id\""]) assert.ok(!re.test(bad), bad);
  assert.deepEqual(findInText(SOURCE, searchPatternsFor('GET /orders/:id')).map(x => [x.line, x.kind]), [[8, 'route']]);
});

test('over-long names produce no name patterns', () => {
  assert.deepEqual(searchPatternsFor('x'.repeat(500)), []);
});
