// Java outlines: what the OTel Java agent's code.* names (package, nested `$Inner`, anonymous `$1`, lambdas,
// overloads) and span-name/route literals (@WithSpan, Spring, JAX-RS, SQL constants, text blocks) need.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctx, def, defIndex, lit, outline } from './helpers';

const ORDER_SERVICE = `package com.example.shop;

import io.opentelemetry.instrumentation.annotations.WithSpan;

@RestController
@RequestMapping(path = "/api")
public class OrderService {
  private static final String FIND_ORDER = "SELECT id, total FROM orders WHERE id = ?";
  private final Runnable warmup = () -> log("warm");

  public OrderService(Repository repo) {
    this.repo = repo;
  }

  @WithSpan("place order")
  @PostMapping("/orders")
  public Order placeOrder(String id, int quantity) {
    Runnable audit = new Runnable() {
      @Override
      public void run() {
        log("audit " + id);
      }
    };
    items.forEach(item -> check(item));
    return chargeCard(id);
  }

  @WithSpan(value = "place order (bulk)")
  public Order placeOrder(List<String> ids, String... tags) {
    return null;
  }

  @GetMapping({"/orders/{id}", "/order/{id}"})
  Order chargeCard(String id) {
    String q = """
        SELECT *
          FROM payments
        """;
    return tracer.spanBuilder("charge card").startSpan();
  }

  static class Audit {
    @Path("/audit/{id}")
    void record(long id) {
      new Thread(() -> flush()).start();
    }
  }
}
`;

test('Java: package, classes, nested class containers, constructor, overloads with parameter types', async () => {
  const o = await outline('java', ORDER_SERVICE);
  assert.equal(o.package, 'com.example.shop');
  assert.equal(o.hasErrors, undefined);
  const cls = def(o, 'OrderService', []);
  assert.deepEqual([cls.kind, cls.line, cls.endLine], ['class', 7, 48]);
  const ctor = def(o, 'OrderService', ['OrderService']);
  assert.deepEqual([ctor.kind, ctor.line, ctor.endLine, ctor.paramTypes], ['constructor', 11, 13, ['Repository']]);
  const overloads = o.definitions.filter(d => d.name === 'placeOrder');
  assert.deepEqual(overloads.map(d => [d.kind, d.line, d.endLine, d.paramTypes, d.containers]), [
    ['method', 17, 26, ['String', 'int'], ['OrderService']],
    ['method', 29, 31, ['List<String>', 'String...'], ['OrderService']],
  ]);
  const audit = def(o, 'Audit');
  assert.deepEqual([audit.kind, audit.line, audit.containers], ['class', 42, ['OrderService']]);
  const record = def(o, 'record');
  assert.deepEqual([record.line, record.endLine, record.containers, record.paramTypes], [44, 46, ['OrderService', 'Audit'], ['long']]);
  assert.equal(record.parent, defIndex(o, audit));
});

test('Java: anonymous classes and lambdas get javac names and point at their enclosing method', async () => {
  const o = await outline('java', ORDER_SERVICE);
  const placeOrder = o.definitions.findIndex(d => d.name === 'placeOrder');
  const anon = def(o, '1', ['OrderService']);
  assert.deepEqual([anon.kind, anon.anonymous, anon.line, anon.parent], ['class', true, 18, placeOrder]);
  const run = def(o, 'run');
  assert.deepEqual([run.containers, run.line, run.parent], [['OrderService', '1'], 20, defIndex(o, anon)]);
  // javac: one lambda counter per class, in source order; field initializers are `new`, constructors too.
  assert.deepEqual(o.definitions.filter(d => d.anonymous && d.kind === 'function').map(d => [d.name, d.containers, d.line]), [
    ['lambda$new$0', ['OrderService'], 9],
    ['lambda$placeOrder$1', ['OrderService'], 24],
    ['lambda$record$0', ['OrderService', 'Audit'], 45],
  ]);
  assert.deepEqual(run.annotations, ['Override']);
  // A literal inside the anonymous class's method is enclosed by that method.
  assert.equal(lit(o, 'audit ').enclosing, defIndex(o, run));
});

test('Java: @WithSpan, Spring and JAX-RS literals name their annotation and the method they decorate', async () => {
  const o = await outline('java', ORDER_SERVICE);
  const [first, second] = o.definitions.filter(d => d.name === 'placeOrder').map(d => o.definitions.indexOf(d));
  assert.deepEqual(ctx(lit(o, 'place order')), { line: 15, callee: 'WithSpan', annotation: true, argIndex: 0 });
  assert.equal(lit(o, 'place order').target, first);
  assert.deepEqual(ctx(lit(o, 'place order (bulk)')), { line: 28, callee: 'WithSpan', annotation: true, argIndex: 0, argName: 'value' });
  assert.equal(lit(o, 'place order (bulk)').target, second);
  assert.deepEqual(ctx(lit(o, '/orders')), { line: 16, callee: 'PostMapping', annotation: true, argIndex: 0 });
  assert.deepEqual(ctx(lit(o, '/api')), { line: 6, callee: 'RequestMapping', annotation: true, argIndex: 0, argName: 'path' });
  assert.equal(lit(o, '/api').target, o.definitions.findIndex(d => d.name === 'OrderService'));
  const chargeCard = o.definitions.findIndex(d => d.name === 'chargeCard');
  for (const route of ['/orders/{id}', '/order/{id}']) {
    assert.deepEqual(ctx(lit(o, route)), { line: 33, callee: 'GetMapping', annotation: true, argIndex: 0 });
    assert.equal(lit(o, route).target, chargeCard);
  }
  assert.deepEqual(ctx(lit(o, '/audit/{id}')), { line: 43, callee: 'Path', annotation: true, argIndex: 0 });
  // Every annotation is listed on its definition, also those without a string (a bare @WithSpan would be too).
  assert.deepEqual(o.definitions.filter(d => d.annotations).map(d => [d.name, d.line, d.annotations]), [
    ['OrderService', 7, ['RestController', 'RequestMapping']],
    ['placeOrder', 17, ['WithSpan', 'PostMapping']],
    ['run', 20, ['Override']],
    ['placeOrder', 29, ['WithSpan']],
    ['chargeCard', 34, ['GetMapping']],
    ['record', 44, ['Path']],
  ]);
  assert.equal(lit(o, '/audit/{id}').target, o.definitions.findIndex(d => d.name === 'record'));
});

test('Java: span names in calls, SQL in constants, text blocks as the compiler sees them', async () => {
  const o = await outline('java', ORDER_SERVICE);
  const charge = lit(o, 'charge card');
  assert.deepEqual(ctx(charge), { line: 39, callee: 'spanBuilder', receiver: 'tracer', argIndex: 0 });
  assert.equal(charge.column, 31);
  assert.equal(charge.enclosing, o.definitions.findIndex(d => d.name === 'chargeCard'));
  const sql = lit(o, 'SELECT id, total FROM orders WHERE id = ?');
  assert.deepEqual(ctx(sql), { line: 8, assignedTo: 'FIND_ORDER' });
  assert.equal(sql.enclosing, undefined);
  assert.deepEqual(ctx(lit(o, 'SELECT *\n  FROM payments\n')), { line: 35, assignedTo: 'q' });
  // A concatenation is climbed through to its call.
  assert.deepEqual(ctx(lit(o, 'audit ')), { line: 21, callee: 'log', argIndex: 0 });
});

test('Java: interfaces, enums with constant bodies, records, escapes', async () => {
  const o = await outline('java', `package a.b;
interface Repo { Order find(String id); }
enum Status {
  OPEN { void f() {} },
  CLOSED;
}
record Money(long cents) {
  Money { check("neg\\t\\"x\\"\\u0041"); }
}
`);
  assert.deepEqual(o.definitions.map(d => [d.kind, [...d.containers, d.name].join('$'), d.line]), [
    ['interface', 'Repo', 2],
    ['method', 'Repo$find', 2],
    ['enum', 'Status', 3],
    ['class', 'Status$1', 4],
    ['method', 'Status$1$f', 4],
    ['record', 'Money', 7],
    ['constructor', 'Money$Money', 8],
  ]);
  assert.equal(o.literals[0]!.value, 'neg\t"x"A');
});

test('Java: a local class is named like javac (Outer$1Local) in the containers of what it holds', async () => {
  const o = await outline('java', `class Outer {
  void a() {
    class Local { void run() {} }
  }
  void b() {
    class Local { void run() {} }
    class Other { void go() {} }
  }
}
`);
  assert.deepEqual(o.definitions.map(d => [d.kind, d.name, d.containers.join('$'), d.line]), [
    ['class', 'Outer', '', 1],
    ['method', 'a', 'Outer', 2],
    ['class', 'Local', 'Outer', 3],
    ['method', 'run', 'Outer$1Local', 3],
    ['method', 'b', 'Outer', 5],
    ['class', 'Local', 'Outer', 6],
    ['method', 'run', 'Outer$2Local', 6],
    ['class', 'Other', 'Outer', 7],
    ['method', 'go', 'Outer$1Other', 7],
  ]);
});
