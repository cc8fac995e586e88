// Where a span is made, over real parsed source: context-path registrations as routes, gRPC full method names,
// middleware spans named after their function, a URL handed to a helper that makes the request, overloads told
// apart by the attributes their parameters put on the span, and exception stack frames that never outrank the
// span's own creation site. Each case has a trap: the line a naive rule would pick.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { MappingEngine, rpcOf } from '../../../../../src/core/mapping/engine/engine';
import { compilePathMappings } from '../../../../../src/core/mapping/pathMappings';
import type { EngineMapping, SpanFacts } from '../../../../../src/core/mapping/engine/types';
import { createSyntaxService } from '../../../../../src/worker/syntax';
import { memoryWorkspace } from '../../../../support/mappingWorkspace';

const syntax = createSyntaxService();
after(() => syntax.dispose());

const W = '/ws';
const FILES: Record<string, string> = {
  [`${W}/web/src/main/java/com/example/web/Server.java`]: `package com.example.web;

import com.sun.net.httpserver.HttpServer;

public final class Server {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(null, 0);
        System.out.println("serving /orders and /payments");
        server.createContext("/orders", new OrdersHandler());
        server.createContext("/payments", new PaymentsHandler());
        server.start();
    }
}
`,
  [`${W}/web/src/main/java/com/example/web/Client.java`]: `package com.example.web;

final class Client {
    java.net.URI orders(java.net.URI base) {
        return base.resolve("/orders");
    }
}
`,
  [`${W}/core/src/main/java/com/example/core/Orders.java`]: `package com.example.core;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;

public class Orders {
    @WithSpan
    public long place(String sku) {
        if (sku.isEmpty()) {
            throw new IllegalArgumentException("no sku");
        }
        return 1;
    }

    @WithSpan
    public long place(String sku, @SpanAttribute("quantity") int quantity) {
        return place(sku) * quantity;
    }
}
`,
  [`${W}/pricing/pricing.go`]: `package pricing

import "context"

type pricingServer struct{}

// Quote implements dispatch.Pricing/Quote.
func (s *pricingServer) Quote(_ context.Context, req *QuoteRequest) (*QuoteReply, error) {
	return &QuoteReply{}, nil
}

type Client struct{ conn Conn }

func (c *Client) Quote(ctx context.Context, km float64) (*QuoteReply, error) {
	reply := new(QuoteReply)
	err := c.conn.Invoke(ctx, "/dispatch.Pricing/Quote", &QuoteRequest{Km: km}, reply)
	return reply, err
}
`,
  // a generated stub holds the same full method name: never the user's call
  [`${W}/pricing/pricing_grpc.pb.go`]: `package pricing

const Pricing_Quote_FullMethodName = "/dispatch.Pricing/Quote"

func (c *pricingClient) Quote(ctx context.Context, in *QuoteRequest) (*QuoteReply, error) {
	err := c.cc.Invoke(ctx, "/dispatch.Pricing/Quote", in, out)
	return out, err
}
`,
  [`${W}/catalog/src/server.js`]: `'use strict';
const express = require('express');
const app = express();
app.use(express.json());
app.use(function requestLog(req, _res, next) {
  next();
});
module.exports = { app };
`,
  [`${W}/catalog/test/server.test.js`]: `const assert = require('node:assert');
// the middleware requestLog runs first
assert.ok(spans.find(s => s.name === 'middleware - requestLog'));
`,
  [`${W}/catalog/src/catalog.js`]: `'use strict';
const http = require('node:http');

function loadProduct(id, base) {
  return tracer.startActiveSpan('load product', async span => {
    try {
      if (!id) throw new Error('no product');
      const price = await getJson(\`\${base}/internal/prices/\${id}\`);
      return price;
    } finally {
      span.end();
    }
  });
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    console.log('fetching', url);
    http.get(url, res => {
      res.on('end', () => resolve(res));
    }).on('error', reject);
  });
}
module.exports = { loadProduct };
`,
};

const span = (p: Partial<SpanFacts>): SpanFacts => ({ service: 'shop', name: 'op', kind: 'internal', attributes: {}, stackTraces: [], ...p });
const engine = new MappingEngine(memoryWorkspace([W], FILES, syntax));
const at = (m: EngineMapping) => [m.confidence, m.file?.slice(W.length + 1), m.line];

test('a context-path registration (JDK HttpServer createContext) declares the route; a log line and a client URL with the same path do not', async () => {
  const [get, post, payments] = await engine.mapSpans([
    span({ name: 'GET /orders', kind: 'server', attributes: { 'http.route': '/orders', 'http.request.method': 'GET' } }),
    span({ name: 'POST /orders', kind: 'server', attributes: { 'http.route': '/orders', 'http.request.method': 'POST' } }),
    span({ name: 'POST /payments', kind: 'server', attributes: { 'http.route': '/payments' } }),
  ]);
  assert.deepEqual(at(get!), ['high', 'web/src/main/java/com/example/web/Server.java', 9]);
  assert.deepEqual(at(post!), ['high', 'web/src/main/java/com/example/web/Server.java', 9]);
  assert.deepEqual(at(payments!), ['high', 'web/src/main/java/com/example/web/Server.java', 10]);
});

test('gRPC by its full method name (rpc.method pkg.Service/Method): the server type\'s method, and the client\'s Invoke call, not the generated stub', async () => {
  const attrs = { 'rpc.system.name': 'grpc', 'rpc.method': 'dispatch.Pricing/Quote' };
  const [server, client] = await engine.mapSpans([
    span({ name: 'dispatch.Pricing/Quote', kind: 'server', attributes: attrs }),
    span({ name: 'dispatch.Pricing/Quote', kind: 'client', attributes: attrs }),
  ]);
  assert.deepEqual(at(server!), ['high', 'pricing/pricing.go', 8]);
  assert.deepEqual(at(client!), ['high', 'pricing/pricing.go', 16]);
});

test('rpcOf reads rpc.service + rpc.method, a full method name in rpc.method, or a gRPC span name', () => {
  const f = (name: string, attributes: Record<string, string>) => rpcOf(span({ name, attributes }));
  assert.deepEqual(f('x', { 'rpc.system': 'grpc', 'rpc.service': 'a.B', 'rpc.method': 'C' }), { service: 'a.B', method: 'C' });
  assert.deepEqual(f('x', { 'rpc.method': '/a.B/C' }), { service: 'a.B', method: 'C' });
  assert.deepEqual(f('a.B/C', { 'rpc.system.name': 'grpc' }), { service: 'a.B', method: 'C' });
  assert.equal(f('GET /a.B/C', {}), undefined, 'not an RPC span');
  assert.equal(f('x', { 'rpc.method': '../../etc/passwd' }), undefined);
});

test('Express "middleware - name" spans land on the function of that name, not on a test mentioning it', async () => {
  const [m] = await engine.mapSpans([span({ name: 'middleware - requestLog' })]);
  assert.deepEqual(at(m!), ['high', 'catalog/src/server.js', 5]);
  const [anon] = await engine.mapSpans([span({ name: 'middleware - <anonymous>' })]);
  assert.equal(anon!.confidence, 'none');
});

test('a URL built in one place and handed to a same-file helper: the helper\'s request call is the client span', async () => {
  const [m] = await engine.mapSpans([span({ name: 'GET', kind: 'client', attributes: { 'url.full': 'http://127.0.0.1:3000/internal/prices/KETTLE-1' } })]);
  // not line 8 (the template literal), not line 18 (a log line that also takes the url)
  assert.deepEqual(at(m!), ['high', 'catalog/src/catalog.js', 19]);
  assert.match(m!.reason, /passed to getJson/);
});

test('an exception\'s throw line never outranks the span\'s own creation site, and alone it is only a guess', async () => {
  const st = 'Error: no product\n    at /build/catalog/src/catalog.js:7:18\n    at loadProduct (/build/catalog/src/catalog.js:5:17)';
  const mappings = compilePathMappings({ '/build/': `${W}/` }, [{ name: 'ws', path: W }]);
  const [own, frameOnly] = await engine.mapSpans([
    span({ name: 'load product', stackTraces: [st] }),
    span({ name: 'something unknown', stackTraces: [st] }),
  ], { mappings });
  assert.deepEqual(at(own!), ['high', 'catalog/src/catalog.js', 5]);
  assert.ok(own!.candidates.some(c => c.line === 7 && c.how === 'stack-frame'), 'the throw line stays a candidate');
  assert.deepEqual(at(frameOnly!), ['low', 'catalog/src/catalog.js', 7]);
});

test('overloads: the span carrying @SpanAttribute("quantity") is that overload\'s; frames inside both overloads pick neither', async () => {
  const code = { namespace: 'com.example.core.Orders', function: 'place' };
  // the inner overload threw: both overloads are in the stack, whichever span recorded it
  const st = 'java.lang.IllegalArgumentException: no sku\n\tat com.example.core.Orders.place(Orders.java:10)\n\tat com.example.core.Orders.place(Orders.java:17)';
  const [withQty, withoutQty, outerThrew, innerThrew] = await engine.mapSpans([
    span({ code, attributes: {}, attributeKeys: ['quantity', 'thread.name'] }),
    span({ code, attributes: {}, attributeKeys: ['thread.name'] }),
    span({ code, attributes: {}, attributeKeys: ['quantity'], stackTraces: [st] }),
    span({ code, attributes: {}, attributeKeys: [], stackTraces: [st] }),
  ]);
  const file = 'core/src/main/java/com/example/core/Orders.java';
  assert.deepEqual(at(withQty!), ['high', file, 16]);
  assert.deepEqual(at(withoutQty!), ['low', file, 8], 'an absent attribute may be a null argument: a guess');
  assert.deepEqual(at(outerThrew!), ['high', file, 16]);
  assert.deepEqual(at(innerThrew!).slice(1), [file, 8]);
  assert.equal(innerThrew!.confidence, 'low', 'frames inside both overloads cannot tell them apart');
});

test('a file edited after the literal scan is outlined from its new text, not the scan\'s copy', async () => {
  const path = `${W}/svc/src/main/java/com/example/svc/Jobs.java`;
  const files: Record<string, string> = {
    [path]: 'package com.example.svc;\n\nclass Jobs {\n    void run() { tracer.spanBuilder("jobs run"); }\n}\n',
  };
  const e = new MappingEngine(memoryWorkspace([W], files, syntax));
  const [byName] = await e.mapSpans([span({ name: 'jobs run' })]);
  assert.deepEqual(at(byName!), ['high', 'svc/src/main/java/com/example/svc/Jobs.java', 4]);
  // typing moves the method down (a new version of the file; the scan is not rebuilt for typing)
  files[path] = 'package com.example.svc;\n\nclass Jobs {\n    // runs the jobs\n\n    void run() { tracer.spanBuilder("jobs run"); }\n}\n';
  const [byCode] = await e.mapSpans([span({ code: { namespace: 'com.example.svc.Jobs', function: 'run' } })]);
  assert.deepEqual(at(byCode!), ['high', 'svc/src/main/java/com/example/svc/Jobs.java', 6]);
});
