// A fake SQL database: queries take time like a real one would (a full table scan is slow), and each query is a
// CLIENT span with the `db.*` attributes of the OpenTelemetry conventions.
'use strict';

const { api } = require('./tracing');
const { sleep } = require('./http');

const TABLES = {
  orders: [],
  prices: { widget: 1999, gadget: 4999, gizmo: 999, crash: 100 },
};

/**
 * Runs `sql` against the fake database.
 * @param {import('@opentelemetry/api').Tracer} tracer
 * @param {string} sql
 * @param {unknown[]} params
 * @param {{ latencyMs: number }} cost
 */
function query(tracer, sql, params, { latencyMs }) {
  const [operation = 'QUERY'] = sql.split(/\s+/, 1);
  const table = /(?:FROM|INTO|UPDATE)\s+(\w+)/i.exec(sql)?.[1] ?? 'unknown';
  return tracer.startActiveSpan(`${operation} ${table}`, {
    kind: api.SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'other_sql',
      'db.namespace': 'shop',
      'db.collection.name': table,
      'db.operation.name': operation,
      'db.query.text': sql,
      'server.address': 'fake-db.local',
    },
  }, async span => {
    try {
      await sleep(latencyMs);
      if (operation === 'INSERT' && table === 'orders') {
        TABLES.orders.push({ id: TABLES.orders.length + 1, params });
        return { rows: [], insertId: TABLES.orders.length };
      }
      if (table === 'prices') return { rows: [{ price: TABLES.prices[String(params[0])] ?? 0 }] };
      return { rows: TABLES.orders.slice(-20) };
    } finally {
      span.end();
    }
  });
}

module.exports = { query };
