'use strict';
const http = require('node:http');
const { trace, SpanStatusCode } = require('@opentelemetry/api');

const tracer = trace.getTracer('catalog');
const products = new Map([['p1', { id: 'p1', sku: 'KETTLE-1', name: 'Kettle' }]]);
const reviews = [];

/** Reads a product and its price (from the prices endpoint over HTTP). */
function loadProduct(id, base) {
  return tracer.startActiveSpan('load product', async span => { // @span load product
    try {
      span.setAttribute('product.id', id);
      const product = products.get(id);
      if (!product) throw new Error(`no product ${id}`);
      const price = await getJson(`${base}/internal/prices/${product.sku}`);
      return { ...product, price: price.cents };
    } catch (err) {
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

function addReview(id, body) {
  return tracer.startActiveSpan('add review', span => { // @span add review
    const review = { product: id, stars: Number(body.stars) || 0 };
    reviews.push(review);
    span.end();
    return review;
  });
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, res => { // @span GET | kind=client
      let data = '';
      res.setEncoding('utf8');
      res.on('data', chunk => { data += chunk; });
      res.on('end', () => resolve(JSON.parse(data)));
    }).on('error', reject);
  });
}

module.exports = { loadProduct, addReview };
