// inventory: stock levels and reservations. Records code locations with the current `code.*` attribute names.
'use strict';

const { startTracing, api } = require('./lib/tracing');
const { tracer, shutdown } = startTracing('inventory', { codeAttributes: 'new' });
const { readJson, sendJson, serve, sleep, nameRoute } = require('./lib/http');

const stock = new Map([['widget', 1000], ['gadget', 250], ['gizmo', 0], ['crash', 50]]);

async function reserve(sku, quantity) {
  return tracer.startActiveSpan('reserve stock', { attributes: { 'shop.sku': sku, 'shop.quantity': quantity } }, async span => {
    try {
      await sleep(15);
      const available = stock.get(sku) ?? 0;
      if (available < quantity) {
        const err = new Error(`out of stock: ${sku} (wanted ${quantity}, have ${available})`);
        span.recordException(err);
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
        return false;
      }
      stock.set(sku, available - quantity);
      return true;
    } finally {
      span.end();
    }
  });
}

async function scheduleShipment(orderId) {
  return tracer.startActiveSpan('schedule shipment', { attributes: { 'shop.order_id': orderId } }, async span => {
    await sleep(25);
    span.end();
  });
}

serve('inventory', Number(process.env.INVENTORY_PORT ?? 0), async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://inventory');
  const stockMatch = /^\/stock\/(\w+)$/.exec(url.pathname);
  if (req.method === 'GET' && stockMatch) {
    nameRoute(req, '/stock/:sku');
    const sku = stockMatch[1] ?? '';
    await sleep(5);
    return sendJson(res, 200, { sku, available: stock.get(sku) ?? 0 });
  }
  if (req.method === 'POST' && url.pathname === '/reserve') {
    nameRoute(req, '/reserve');
    const { sku, quantity } = await readJson(req);
    const ok = await reserve(String(sku), Number(quantity ?? 1));
    return sendJson(res, ok ? 200 : 409, ok ? { reserved: true } : { error: `out of stock: ${sku}` });
  }
  if (req.method === 'POST' && url.pathname === '/ship') {
    nameRoute(req, '/ship');
    const { orderId } = await readJson(req);
    await scheduleShipment(Number(orderId));
    return sendJson(res, 202, { scheduled: true });
  }
  return sendJson(res, 404, { error: 'not found' });
}, shutdown);
