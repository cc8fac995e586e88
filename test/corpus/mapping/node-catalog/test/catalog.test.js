// The catalog's spans by name, as an app's own tests would check them (node --test).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { trace } = require('@opentelemetry/api');
const { tracing } = require('@opentelemetry/sdk-node');

const exporter = new tracing.InMemorySpanExporter();
const provider = new tracing.BasicTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);

const catalog = require('../src/services/catalog');

test('add review records one span', () => {
  const review = catalog.addReview('p1', { stars: '4' });
  assert.deepEqual(review, { product: 'p1', stars: 4 });
  assert.deepEqual(exporter.getFinishedSpans().map(s => s.name), ['add review']);
});

test('load product fails for an unknown product and records it on its span', async () => {
  exporter.reset();
  await assert.rejects(catalog.loadProduct('nope', 'http://127.0.0.1:9'), /no product nope/);
  const [span] = exporter.getFinishedSpans();
  assert.equal(span.name, 'load product');
  assert.equal(span.events[0].name, 'exception');
});
