// orders: places orders. Reads the fake database (one slow query and an N+1 loop), reserves stock in inventory,
// charges the card, and publishes `order.created` to a queue whose consumer asks inventory to ship.
// Records code locations with the OLD `code.*` names (code.filepath / code.lineno / code.function).
'use strict';

const { startTracing, api } = require('./lib/tracing');
const { tracer, shutdown } = startTracing('orders', { codeAttributes: 'old' });
const { readJson, sendJson, callJson, serve, sleep, nameRoute } = require('./lib/http');
const { query } = require('./lib/fake-db');
const { Queue } = require('./lib/queue');

const INVENTORY_URL = process.env.INVENTORY_URL ?? 'http://127.0.0.1:4002';
const orderEvents = new Queue(tracer, 'order.created');

async function loadCustomerHistory(customer) {
  // No index on customer_id: a full scan that dominates the request's latency.
  return query(tracer, 'SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at DESC', [customer], { latencyMs: 280 });
}

async function priceLineItems(items) {
  // One query per item instead of one `WHERE sku IN (…)`: the N+1 pattern.
  let total = 0;
  for (const item of items) {
    const { rows } = await query(tracer, 'SELECT price FROM prices WHERE sku = ?', [item.sku], { latencyMs: 12 });
    total += Number(rows[0]?.price ?? 0) * item.quantity;
  }
  return total;
}

async function chargeCard(customer, amountCents) {
  return tracer.startActiveSpan('charge card', { attributes: { 'shop.customer': customer, 'shop.amount_cents': amountCents } }, async span => {
    try {
      await sleep(40);
      if (customer === 'mallory') throw new Error('payment declined: card expired');
      return { charged: amountCents };
    } catch (err) {
      span.recordException(err);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

async function placeOrder({ sku, quantity, customer }) {
  await loadCustomerHistory(customer);
  const items = [
    { sku, quantity },
    { sku: 'widget', quantity: 1 },
    { sku: 'gadget', quantity: 1 },
    { sku: 'gizmo', quantity: 1 },
    { sku: 'widget', quantity: 2 },
  ];
  const total = await priceLineItems(items);
  const reservation = await callJson('POST', `${INVENTORY_URL}/reserve`, { sku, quantity });
  if (reservation.status !== 200) return { status: 409, body: { error: reservation.body?.error ?? 'reservation failed' } };
  await chargeCard(customer, total);
  const { insertId } = await query(tracer, 'INSERT INTO orders (customer_id, sku, quantity, total) VALUES (?, ?, ?, ?)',
    [customer, sku, quantity, total], { latencyMs: 8 });
  orderEvents.publish({ orderId: insertId, sku, quantity });
  return { status: 201, body: { orderId: insertId, total } };
}

/**
 * Tells inventory to ship. THE DELIBERATE BUG of the demo: this notifier uses `fetch`, which the HTTP
 * instrumentation does not patch, and it opens its CLIENT span by hand without injecting `traceparent`.
 * So inventory's `POST /ship` starts a new trace, and the checkout trace holds a CLIENT call with no server side:
 * Spanscope's findings point here.
 */
async function notifyShipping(orderId) {
  return tracer.startActiveSpan('POST /ship', {
    kind: api.SpanKind.CLIENT,
    attributes: { 'http.request.method': 'POST', 'url.full': `${INVENTORY_URL}/ship`, 'peer.service': 'inventory' },
  }, async span => {
    try {
      const res = await fetch(`${INVENTORY_URL}/ship`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' }, // missing: the traceparent of `span`
        body: JSON.stringify({ orderId }),
      });
      span.setAttribute('http.response.status_code', res.status);
    } finally {
      span.end();
    }
  });
}

// The queue consumer continues each producer's trace from the message headers (that hop is right)...
orderEvents.consume(message => {
  const parent = api.propagation.extract(api.ROOT_CONTEXT, message.headers);
  return api.context.with(parent, () => tracer.startActiveSpan('order.created process', {
    kind: api.SpanKind.CONSUMER,
    attributes: { 'messaging.system': 'demo-queue', 'messaging.destination.name': 'order.created', 'messaging.operation.type': 'process' },
  }, async span => {
    try {
      await sleep(10);
      // ...but the call it makes next loses the context (see notifyShipping).
      await notifyShipping(message.body.orderId);
    } catch (err) {
      span.recordException(err);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
    } finally {
      span.end();
    }
  }));
});

serve('orders', Number(process.env.ORDERS_PORT ?? 0), async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://orders');
  if (req.method === 'POST' && url.pathname === '/orders') {
    nameRoute(req, '/orders');
    const order = await readJson(req);
    try {
      const { status, body } = await placeOrder({
        sku: String(order.sku ?? 'widget'), quantity: Number(order.quantity ?? 1), customer: String(order.customer ?? 'alice'),
      });
      return sendJson(res, status, body);
    } catch (err) {
      const span = api.trace.getActiveSpan();
      span?.recordException(err);
      span?.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
      return sendJson(res, 502, { error: err.message });
    }
  }
  return sendJson(res, 404, { error: 'not found' });
}, shutdown);
