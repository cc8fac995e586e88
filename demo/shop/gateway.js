// gateway: the shop's public API. Checkouts go to orders; product pages read stock through a cache.
// Records code locations with the current `code.*` attribute names.
'use strict';

const { startTracing, api } = require('./lib/tracing');
const { tracer, shutdown } = startTracing('gateway', { codeAttributes: 'new' });
const { sendJson, callJson, serve, nameRoute } = require('./lib/http');
const { Cache } = require('./lib/cache');

const ORDERS_URL = process.env.ORDERS_URL ?? 'http://127.0.0.1:4001';
const INVENTORY_URL = process.env.INVENTORY_URL ?? 'http://127.0.0.1:4002';
const productCache = new Cache(tracer, 5000);

async function checkout(sku, customer) {
  return tracer.startActiveSpan('checkout', { attributes: { 'shop.sku': sku, 'shop.customer': customer } }, async span => {
    try {
      const result = await callJson('POST', `${ORDERS_URL}/orders`, { sku, quantity: 1, customer });
      if (result.status >= 400) {
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: result.body?.error ?? `orders answered ${result.status}` });
      }
      return result;
    } finally {
      span.end();
    }
  });
}

async function productPage(sku) {
  const cached = productCache.get(`product:${sku}`);
  if (cached) return { status: 200, body: cached };
  const result = await callJson('GET', `${INVENTORY_URL}/stock/${encodeURIComponent(sku)}`);
  if (result.status === 200) productCache.set(`product:${sku}`, result.body);
  return result;
}

serve('gateway', Number(process.env.GATEWAY_PORT ?? 0), async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://gateway');
  if (req.method === 'GET' && url.pathname === '/checkout') {
    nameRoute(req, '/checkout');
    const { status, body } = await checkout(url.searchParams.get('sku') ?? 'widget', url.searchParams.get('customer') ?? 'alice');
    return sendJson(res, status, body);
  }
  const product = /^\/product\/(\w+)$/.exec(url.pathname);
  if (req.method === 'GET' && product) {
    nameRoute(req, '/product/:sku');
    const { status, body } = await productPage(product[1] ?? '');
    return sendJson(res, status, body);
  }
  return sendJson(res, 404, { error: 'not found' });
}, shutdown);
