// The engine over real parsed source (the tree-sitter SyntaxService in its worker): Java as the OTel Java agent
// reports it, Go, Python and Node services as their auto-instrumentation reports them (no code.*), each with the
// traps that would put a span on a wrong line: same-named classes in two packages, overloads, nested and anonymous
// classes, a route of another HTTP method, generated RPC stubs, a log line holding the span name.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { MappingEngine } from '../../../../../src/core/mapping/engine/engine';
import type { EngineMapping, SpanFacts } from '../../../../../src/core/mapping/engine/types';
import { createSyntaxService } from '../../../../../src/worker/syntax';
import { memoryWorkspace } from '../../../../support/mappingWorkspace';

const syntax = createSyntaxService();
after(() => syntax.dispose());

const W = '/ws';
const SHOP = `${W}/shop/src/main/java/com/example/shop/OrderService.java`;
const BILLING = `${W}/billing/src/main/java/com/example/billing/OrderService.java`;
const FILES: Record<string, string> = {
  [SHOP]: `package com.example.shop;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.util.List;

public class OrderService {
    private final Audit audit = new Audit();

    @WithSpan
    public long placeOrder(String item) {
        Runnable r = new Runnable() {
            @Override
            public void run() {
                audit.record(item);
            }
        };
        r.run();
        return List.of(item).stream().map(i -> chargeCard(i.length())).count();
    }

    @WithSpan
    public long placeOrder(String item, int quantity) {
        return placeOrder(item) * quantity;
    }

    @WithSpan("charge card")
    long chargeCard(int cents) {
        if (cents > 100) {
            throw new IllegalStateException("card declined");
        }
        return cents;
    }

    static class Audit {
        @WithSpan
        void record(String item) {
            System.out.println("audit " + item);
        }
    }
}
`,
  [BILLING]: `package com.example.billing;

public class OrderService {
    public void placeOrder(String item) {
        throw new IllegalStateException("billing down");
    }
}
`,
  [`${W}/go.mod`]: 'module github.com/acme/shop\n\ngo 1.22\n',
  [`${W}/internal/orders/handler.go`]: `package orders

import (
	"context"
	"database/sql"
	"net/http"

	"go.opentelemetry.io/otel"
)

var tracer = otel.Tracer("orders")

type Service struct{ db *sql.DB }

func (s *Service) Place(ctx context.Context, id string) error {
	ctx, span := tracer.Start(ctx, "orders.place")
	defer span.End()
	_, err := s.db.ExecContext(ctx, "UPDATE orders SET status = $1 WHERE id = $2", "placed", id)
	return err
}

func Routes(mux *http.ServeMux, s *Service) {
	mux.HandleFunc("GET /orders/{id}", s.get)
	mux.HandleFunc("POST /orders/{id}", s.post)
}

func (s *Service) get(w http.ResponseWriter, r *http.Request)  {}
func (s *Service) post(w http.ResponseWriter, r *http.Request) {}

func logIt() {
	println("orders.place")
}

func (s *Service) Drain(ctx context.Context) {
	go func() {
		_, span := tracer.Start(ctx, "orders.drain")
		defer span.End()
	}()
}
`,
  [`${W}/greeter/server.go`]: `package main

import (
	"context"

	pb "github.com/acme/shop/proto/helloworld"
)

type server struct {
	pb.UnimplementedGreeterServer
}

func (s *server) SayHello(ctx context.Context, in *pb.HelloRequest) (*pb.HelloReply, error) {
	return &pb.HelloReply{Message: "Hello " + in.GetName()}, nil
}
`,
  [`${W}/greeter/client/main.go`]: `package main

func greet(c pb.GreeterClient) {
	r, err := c.SayHello(ctx, &pb.HelloRequest{Name: "world"})
	_ = r
	_ = err
}
`,
  [`${W}/proto/helloworld/helloworld_grpc.pb.go`]: `package helloworld

import "context"

type UnimplementedGreeterServer struct{}

func (UnimplementedGreeterServer) SayHello(context.Context, *HelloRequest) (*HelloReply, error) {
	return nil, nil
}
`,
  [`${W}/py/app.py`]: `from flask import Flask
from opentelemetry import trace

app = Flask(__name__)
tracer = trace.get_tracer(__name__)


@app.route("/items/<int:item_id>")
def get_item(item_id):
    with tracer.start_as_current_span("load item"):
        rows = db.execute(
            """
            SELECT id, name
              FROM items
             WHERE id = %s
            """,
            (item_id,),
        )
    return rows
`,
  [`${W}/web/server.js`]: `const express = require('express');
const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('web');
const app = express();

app.get('/api/cart/:id', async (req, res) => {
  await tracer.startActiveSpan('cart.total', async span => {
    const r = await fetch(\`\${INVENTORY}/inventory/items/\${req.params.id}/stock\`);
    span.end();
    res.json(await r.json());
  });
});

app.post('/api/cart/:id', (req, res) => res.end());
`,
};

function span(p: Partial<SpanFacts>): SpanFacts {
  return { service: 'shop', name: 'op', kind: 'internal', attributes: {}, stackTraces: [], ...p };
}

const engine = new MappingEngine(memoryWorkspace([W], FILES, syntax));
async function map(...spans: SpanFacts[]): Promise<EngineMapping[]> {
  return engine.mapSpans(spans);
}
const at = (m: EngineMapping) => [m.confidence, m.file?.slice(W.length + 1), m.line];

test('Java agent, all three semconv modes, nested and anonymous classes, lambdas, overloads', async () => {
  const [deflt, optIn, dup, nested, anon, lambda, overload, billing] = await map(
    span({ code: { namespace: 'com.example.shop.OrderService', function: 'chargeCard' } }),
    span({ code: { function: 'com.example.shop.OrderService.chargeCard' } }),
    span({ code: { function: 'com.example.shop.OrderService.chargeCard', namespace: 'com.example.shop.OrderService' } }),
    span({ code: { namespace: 'com.example.shop.OrderService$Audit', function: 'record' } }),
    span({ code: { namespace: 'com.example.shop.OrderService$1', function: 'run' } }),
    span({ code: { namespace: 'com.example.shop.OrderService', function: 'lambda$placeOrder$0' } }),
    span({ code: { namespace: 'com.example.shop.OrderService', function: 'placeOrder' } }),
    span({ code: { namespace: 'com.example.billing.OrderService', function: 'placeOrder' } }),
  );
  const shop = SHOP.slice(W.length + 1);
  assert.deepEqual(at(deflt!), ['high', shop, 27]);
  assert.deepEqual(at(optIn!), ['high', shop, 27]);
  assert.deepEqual(at(dup!), ['high', shop, 27]);
  assert.deepEqual(at(nested!), ['high', shop, 36]);
  assert.deepEqual(at(anon!), ['high', shop, 13]);
  assert.deepEqual(at(lambda!), ['high', shop, 18]);
  assert.equal(overload!.confidence, 'low');
  assert.deepEqual(overload!.candidates.map(c => c.line), [10, 22]);
  assert.deepEqual(at(billing!), ['high', BILLING.slice(W.length + 1), 4]);
});

test('Java exception: a stack frame picks the overload and resolves through the package', async () => {
  const st = 'java.lang.IllegalStateException: card declined\n\tat com.example.shop.OrderService.chargeCard(OrderService.java:29)\n\tat com.example.shop.OrderService.placeOrder(OrderService.java:23)';
  const [m, frameOnly] = await map(
    span({ code: { namespace: 'com.example.shop.OrderService', function: 'placeOrder' }, stackTraces: [st] }),
    span({ stackTraces: ['java.lang.IllegalStateException: billing down\n\tat com.example.billing.OrderService.placeOrder(OrderService.java:5)'] }),
  );
  assert.deepEqual(at(m!), ['high', SHOP.slice(W.length + 1), 22]);
  assert.deepEqual(at(frameOnly!), ['low', BILLING.slice(W.length + 1), 5], 'a throw line is never the span\'s own location for sure');
});

test('@WithSpan("charge card") and a Go tracer.Start name; the Go log line with the same text is not it', async () => {
  const [ann, goSpan] = await map(span({ name: 'charge card' }), span({ name: 'orders.place', service: 'orders' }));
  assert.deepEqual(at(ann!), ['high', SHOP.slice(W.length + 1), 27]);
  assert.deepEqual(at(goSpan!), ['high', 'internal/orders/handler.go', 16]);
});

test('Go: code.function through go.mod, Go 1.22 method patterns, SQL, and the gRPC server method (not the stub)', async () => {
  const [fn, get, post, sqlSpan, rpc, closure, rpcClient] = await map(
    span({ code: { function: 'github.com/acme/shop/internal/orders.(*Service).Place' } }),
    span({ kind: 'server', name: 'GET /orders/{id}', attributes: { 'http.route': '/orders/{id}', 'http.request.method': 'GET' } }),
    span({ kind: 'server', name: 'POST /orders/{id}', attributes: { 'http.route': '/orders/{id}', 'http.request.method': 'POST' } }),
    span({ kind: 'client', name: 'UPDATE orders', attributes: { 'db.system': 'postgresql', 'db.query.text': "UPDATE orders SET status = 'placed' WHERE id = 'A-17'" } }),
    span({ kind: 'server', name: 'helloworld.Greeter/SayHello', attributes: { 'rpc.system': 'grpc', 'rpc.service': 'helloworld.Greeter', 'rpc.method': 'SayHello' } }),
    span({ code: { function: 'github.com/acme/shop/internal/orders.(*Service).Drain.func1' } }),
    span({ kind: 'client', name: 'helloworld.Greeter/SayHello', attributes: { 'rpc.system': 'grpc', 'rpc.service': 'helloworld.Greeter', 'rpc.method': 'SayHello' } }),
  );
  assert.deepEqual(at(rpcClient!), ['low', 'greeter/client/main.go', 4], 'the client call site, found in the text: a guess');
  assert.deepEqual(at(closure!), ['high', 'internal/orders/handler.go', 35], 'the function literal, not its method');
  assert.deepEqual(at(fn!), ['high', 'internal/orders/handler.go', 15]);
  assert.deepEqual(at(get!), ['high', 'internal/orders/handler.go', 23]);
  assert.deepEqual(at(post!), ['high', 'internal/orders/handler.go', 24]);
  assert.deepEqual(at(sqlSpan!), ['high', 'internal/orders/handler.go', 18]);
  assert.deepEqual(at(rpc!), ['high', 'greeter/server.go', 13]);
});

test('Python: Flask route with <int:id>, start_as_current_span, a multi-line SQL literal', async () => {
  const [route, manual, q] = await map(
    span({ kind: 'server', name: 'GET /items/<int:item_id>', attributes: { 'http.route': '/items/<int:item_id>' } }),
    span({ name: 'load item' }),
    span({ kind: 'client', name: 'SELECT', attributes: { 'db.statement': 'SELECT id, name FROM items WHERE id = 42' } }),
  );
  assert.deepEqual(at(route!), ['high', 'py/app.py', 9]);
  assert.deepEqual(at(manual!), ['high', 'py/app.py', 10]);
  assert.deepEqual(at(q!), ['high', 'py/app.py', 12]);
});

test('Node: Express route (GET, not the POST of the same path), startActiveSpan, the template literal building a URL', async () => {
  const [route, manual, client] = await map(
    span({ kind: 'server', name: 'GET /api/cart/:id', attributes: { 'http.route': '/api/cart/:id', 'http.request.method': 'GET' } }),
    span({ name: 'cart.total' }),
    span({ kind: 'client', name: 'GET', attributes: { 'url.full': 'http://inventory:8080/inventory/items/7/stock' } }),
  );
  assert.deepEqual(at(route!), ['high', 'web/server.js', 6]);
  assert.deepEqual(at(manual!), ['high', 'web/server.js', 7]);
  assert.deepEqual(at(client!), ['high', 'web/server.js', 8]);
});

const MORE: Record<string, string> = {
  [`${W}/app/controllers/orders_controller.rb`]: `class OrdersController < ApplicationController
  def index
    render json: Order.all
  end

  def show
    render json: Order.find(params[:id])
  end
end
`,
  [`${W}/app/controllers/admin/orders_controller.rb`]: `module Admin
  class OrdersController < ApplicationController
    def show
      head :ok
    end
  end
end
`,
  [`${W}/config/routes.rb`]: `Rails.application.routes.draw do
  get '/orders/:id', to: 'orders#show'
  get '/admin/orders/:id', to: 'admin/orders#show'
end
`,
  [`${W}/Shop.Api/Controllers/OrdersController.cs`]: `using Microsoft.AspNetCore.Mvc;

namespace Shop.Api.Controllers;

[ApiController]
[Route("api/[controller]")]
public class OrdersController : ControllerBase
{
    [HttpGet("{id}", Name = "GetOrder")]
    public IActionResult Get(int id) => Ok(id);

    [HttpPost("{id}")]
    public IActionResult Post(int id) => Ok(id);
}
`,
  [`${W}/Billing/OrdersController.cs`]: `namespace Billing.Web
{
    public class OrdersController
    {
        public void Get(int id) { }
    }
}
`,
  [`${W}/composer.json`]: JSON.stringify({ autoload: { 'psr-4': { 'App\\': 'src/' } } }),
  [`${W}/src/Controller/InvoiceController.php`]: `<?php
namespace App\\Controller;

class InvoiceController
{
    public function show(int $id): string
    {
        return "invoice";
    }
}
`,
};

test('Ruby, C# and PHP conventions on parsed source: Rails routes to the controller action, namespaces told apart, PSR-4', async () => {
  const e = new MappingEngine(memoryWorkspace([W], MORE, syntax));
  const [rails, railsAdmin, railsName, cs, csOther, php] = await e.mapSpans([
    span({ kind: 'server', name: 'GET /orders/:id', attributes: { 'http.route': '/orders/:id(.:format)' } }),
    span({ kind: 'server', name: 'GET /admin/orders/:id', attributes: { 'http.route': '/admin/orders/:id' } }),
    span({ kind: 'server', name: 'Admin::OrdersController#show' }),
    span({ code: { namespace: 'Shop.Api.Controllers.OrdersController', function: 'Get' } }),
    span({ code: { function: 'Billing.Web.OrdersController.Get' } }),
    span({ code: { function: 'App\\Controller\\InvoiceController::show' } }),
  ]);
  assert.deepEqual(at(rails!), ['high', 'app/controllers/orders_controller.rb', 6]);
  assert.deepEqual(at(railsAdmin!), ['high', 'app/controllers/admin/orders_controller.rb', 3]);
  assert.deepEqual(at(railsName!), ['high', 'app/controllers/admin/orders_controller.rb', 3]);
  assert.deepEqual(at(cs!), ['high', 'Shop.Api/Controllers/OrdersController.cs', 10]);
  assert.deepEqual(at(csOther!), ['high', 'Billing/OrdersController.cs', 5]);
  assert.deepEqual(at(php!), ['high', 'src/Controller/InvoiceController.php', 6]);
});
