'use strict';
const express = require('express');
const { productsRouter } = require('./routes/products');
const { pricesRouter } = require('./routes/prices');

const app = express();
app.use(express.json());
app.use(function requestLog(req, _res, next) { // @span middleware - requestLog
  req.receivedAt = Date.now();
  next();
});
app.use('/api', productsRouter); // @span router - /products/:id | http.route=/api
app.use('/internal', pricesRouter); // @span router - /prices/:sku | http.route=/internal
app.get('/health', (_req, res) => res.send('ok')); // @span GET /health | kind=server @span request handler | http.route=/health

const server = app.listen(0, '127.0.0.1', () => {
  app.locals.base = `http://127.0.0.1:${server.address().port}`;
  console.log(`listening on ${server.address().port}`);
});
