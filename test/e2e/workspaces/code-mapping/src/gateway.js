// The gateway's checkout handler.
const { placeOrder } = require('./orders');

async function checkout(req) {
  return placeOrder(req.sku);
}

module.exports = { checkout };
