// Orders service.
const db = require('./db');

// Places an order: one transaction, two queries.
async function placeOrder(sku) {
  const tx = await db.begin();
  const order = await tx.insert('orders', { sku });
  return order;
}

async function loadOrders(ids) {
  return db.query('SELECT * FROM orders WHERE id IN (?)', ids);
}

module.exports = { placeOrder, loadOrders };
