// Small HTTP helpers over node:http (so the OpenTelemetry HTTP instrumentation sees and propagates every call).
'use strict';

const http = require('node:http');
const { api } = require('./tracing');

const MAX_BODY = 64 * 1024;

function readJson(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', chunk => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

/** Sends JSON and tells the caller which trace served the request (the load loop prints it). */
function sendJson(res, status, body) {
  const traceId = api.trace.getActiveSpan()?.spanContext().traceId;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(traceId ? { 'x-trace-id': traceId } : {}),
  });
  res.end(text);
}

/** A JSON call to another service; resolves with { status, body, traceId }. */
function callJson(method, url, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, {
      method,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      timeout: 5000,
    }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = { raw: text }; }
        resolve({ status: res.statusCode ?? 0, body: parsed, traceId: res.headers['x-trace-id'] });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/**
 * Starts `handler` on 127.0.0.1:`port` (0 = any free port) and tells the parent process (run.js) the port.
 * Ends the process cleanly, flushing spans, on SIGTERM/SIGINT or when the parent goes away.
 */
function serve(name, port, handler, shutdownTracing) {
  const server = http.createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch(err => {
      const span = api.trace.getActiveSpan();
      span?.recordException(err);
      span?.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
      if (!res.headersSent) sendJson(res, 500, { error: err.message });
    });
  });
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    if (process.send) process.send({ ready: name, port: actual });
    else console.log(`${name} listening on http://127.0.0.1:${actual}`);
  });
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    server.close();
    server.closeAllConnections?.();
    Promise.resolve(shutdownTracing()).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
  process.on('disconnect', close);
  return server;
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Names the server span after the matched route ("GET /product/:sku"), as web frameworks' instrumentations do;
 * the HTTP instrumentation alone only knows the method.
 */
function nameRoute(req, route) {
  const span = api.trace.getActiveSpan();
  span?.updateName(`${req.method} ${route}`);
  span?.setAttribute('http.route', route);
}

module.exports = { readJson, sendJson, callJson, serve, sleep, nameRoute };
