'use strict';
const express = require('express');
const catalog = require('../services/catalog');

const productsRouter = express.Router();

productsRouter.get('/products/:id', async (req, res) => { // @span GET /api/products/:id | kind=server @span request handler | http.route=/api/products/:id
  try {
    const product = await catalog.loadProduct(req.params.id, req.app.locals.base);
    res.json(product);
  } catch (err) {
    res.status(404).json({ error: err.message });
  }
});

productsRouter.post('/products/:id/reviews', (req, res) => { // @span POST /api/products/:id/reviews | kind=server @span request handler | http.route=/api/products/:id/reviews
  const review = catalog.addReview(req.params.id, req.body);
  res.status(201).json(review);
});

module.exports = { productsRouter };
