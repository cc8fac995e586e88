'use strict';
const express = require('express');

const pricesRouter = express.Router();

pricesRouter.get('/prices/:sku', (req, res) => { // @span GET /internal/prices/:sku | kind=server @span request handler | http.route=/internal/prices/:sku
  res.json({ sku: req.params.sku, cents: 1999 });
});

module.exports = { pricesRouter };
