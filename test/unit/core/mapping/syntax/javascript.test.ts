// JavaScript and TypeScript outlines: classes, functions (declared, assigned arrow functions, class fields),
// Nest decorators, Express/Fastify routes, startActiveSpan/startSpan span names and template literals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotatedRows, assertDefinitions, ctx, def, defIndex, lit, outline } from './helpers';

const SERVER_JS = `const express = require('express');
const { trace } = require('@opentelemetry/api');

const tracer = trace.getTracer('shop');
const app = express();
const router = express.Router();
const FIND_ORDER = 'SELECT * FROM orders WHERE id = $1';

app.get('/orders/:id', async (req, res) => {
  await tracer.startActiveSpan(\`load order \${req.params.id}\`, async span => {
    span.end();
  });
});
router.post("/orders", createOrder);

fastify.route({ method: 'GET', url: '/fastify/orders/:id', handler: getOrder });
fastify.get('/fastify/health', async () => 'ok');

function createOrder(req, res) {
  const span = tracer.startSpan('create order');
  res.send("it's \\"done\\"");
}

const getOrder = async (req, reply) => reply.send({});

class OrderRepo {
  constructor(db) { this.db = db; }
  async find(id) { return this.db.query(FIND_ORDER, [id]); }
  static create() { return new OrderRepo(); }
}

module.exports.handler = function (event) { return 'x'; };
`;

const CATS_TS = `import { Controller, Get, Post, Param } from '@nestjs/common';

export interface Cat {
  name: string;
}

export enum Color { Black, White }

@Controller('cats')
export class CatsController {
  constructor(private readonly cats: CatsService) {}

  @Get(':id')
  findOne(@Param('id') id: string): Cat {
    return this.tracer.startActiveSpan('find cat', span => this.cats.find(id));
  }

  @Post()
  create = async (body: Cat): Promise<void> => {
    await db.query(\`INSERT INTO cats (name) VALUES ($1)\`, [body.name]);
  };
}

export namespace Handlers {
  export function health(): string { return 'ok'; }
}

export default abstract class Base<T> {
  abstract load(id: string): T;
  protected log(msg: string) {}
}
`;

const APP_TSX = `export function App({ id }: { id: string }) {
  const load = () => fetch(\`/api/orders/\${id}\`);
  return <button onClick={load} title="Load order">Load</button>;
}
`;

test('JavaScript: functions, arrow functions bound to names, classes, constructors, static methods', async () => {
  const o = await outline('javascript', SERVER_JS);
  assertDefinitions(o, '.', `
    function createOrder 19-22
    function getOrder 24
    class OrderRepo 26-30
    constructor OrderRepo.constructor 27
    method OrderRepo.find 28
    method OrderRepo.create 29
    function handler 32
  `);
});

test('JavaScript: Express and Fastify routes, span names, template literals, SQL constants', async () => {
  const o = await outline('javascript', SERVER_JS);
  assert.deepEqual(ctx(lit(o, '/orders/:id')), { line: 9, callee: 'get', receiver: 'app', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, '/orders')), { line: 14, callee: 'post', receiver: 'router', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, '/fastify/orders/:id')), { line: 16, callee: 'route', receiver: 'fastify', argIndex: 0, argName: 'url' });
  assert.deepEqual(ctx(lit(o, 'GET')), { line: 16, callee: 'route', receiver: 'fastify', argIndex: 0, argName: 'method' });
  assert.deepEqual(ctx(lit(o, '/fastify/health')), { line: 17, callee: 'get', receiver: 'fastify', argIndex: 0 });
  const active = lit(o, 'load order ${req.params.id}');
  assert.deepEqual(ctx(active), { line: 10, callee: 'startActiveSpan', receiver: 'tracer', argIndex: 0, template: true });
  assert.equal(active.column, 32);
  const started = lit(o, 'create order');
  assert.deepEqual(ctx(started), { line: 20, callee: 'startSpan', receiver: 'tracer', argIndex: 0 });
  assert.equal(started.enclosing, defIndex(o, def(o, 'createOrder')));
  assert.deepEqual(ctx(lit(o, 'SELECT * FROM orders WHERE id = $1')), { line: 7, assignedTo: 'FIND_ORDER' });
  assert.deepEqual(ctx(lit(o, 'it\'s "done"')), { line: 21, callee: 'send', receiver: 'res', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, 'shop')), { line: 4, callee: 'getTracer', receiver: 'trace', argIndex: 0 });
});

test('TypeScript: interfaces, enums, namespaces, abstract classes, class-field arrow methods', async () => {
  const o = await outline('typescript', CATS_TS);
  assert.equal(o.hasErrors, undefined);
  assertDefinitions(o, '.', `
    interface Cat 3-5
    enum Color 7
    class CatsController 10-22
    constructor CatsController.constructor 11
    method CatsController.findOne 14-16
    method CatsController.create 19-21
    module Handlers 24-26
    function Handlers.health 25
    class Base 28-31
    method Base.log 30
  `);
});

test('TypeScript: Nest decorators point at the class or method they decorate', async () => {
  const o = await outline('typescript', CATS_TS);
  const controller = lit(o, 'cats');
  assert.deepEqual(ctx(controller), { line: 9, callee: 'Controller', annotation: true, argIndex: 0 });
  assert.equal(controller.target, defIndex(o, def(o, 'CatsController')));
  const get = lit(o, ':id');
  assert.deepEqual(ctx(get), { line: 13, callee: 'Get', annotation: true, argIndex: 0 });
  assert.equal(get.target, defIndex(o, def(o, 'findOne')));
  assert.deepEqual(annotatedRows(o), [
    ['CatsController', ['Controller']], ['findOne', ['Get', 'Param']], ['create', ['Post']],
  ]);
  const span = lit(o, 'find cat');
  assert.deepEqual(ctx(span), { line: 15, callee: 'startActiveSpan', receiver: 'tracer', argIndex: 0 });
  assert.equal(span.enclosing, defIndex(o, def(o, 'findOne')));
  const sql = lit(o, 'INSERT INTO cats (name) VALUES ($1)');
  assert.deepEqual(ctx(sql), { line: 20, callee: 'query', receiver: 'db', argIndex: 0 });
  assert.equal(sql.enclosing, defIndex(o, def(o, 'create')));
});

test('TSX: components and template literals in JSX files', async () => {
  const o = await outline('tsx', APP_TSX);
  assert.equal(o.hasErrors, undefined);
  assert.deepEqual(o.definitions.map(d => [d.kind, d.name, d.line]), [['function', 'App', 1], ['function', 'load', 2]]);
  assert.deepEqual(ctx(lit(o, '/api/orders/${id}')), { line: 2, callee: 'fetch', argIndex: 0, template: true });
});

test('JSX: a route element\'s attribute names its literal, the element is the callee', async () => {
  const o = await outline('javascript', `const routes = (
  <Routes>
    <Route path="/orders/:id" element={<Order />} />
    <a href={\`/x/\${id}\`}>x</a>
  </Routes>
);
`);
  assert.deepEqual(ctx(lit(o, '/orders/:id')), { line: 3, callee: 'Route', argName: 'path' });
  assert.deepEqual(ctx(lit(o, '/x/${id}')), { line: 4, callee: 'a', argName: 'href', template: true });
});
