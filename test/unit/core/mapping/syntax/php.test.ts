// PHP outlines: the namespace, classes, interfaces, traits, functions, constructors, and the literals of Symfony
// #[Route] attributes (with named arguments), Laravel Route::get, Slim, span names and interpolated strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotatedRows, assertDefinitions, ctx, def, defIndex, lit, outline } from './helpers';

const CONTROLLER = `<?php

namespace App\\Http\\Controllers;

use Illuminate\\Support\\Facades\\Route;

#[Route('/orders', name: 'orders')]
class OrderController extends Controller
{
    const FIND = 'SELECT * FROM orders WHERE id = ?';

    public function __construct(private Repo $repo) {}

    #[Route('/orders/{id}', methods: ['GET'])]
    public function show(int $id): Response
    {
        $span = $this->tracer->spanBuilder("show order")->startSpan();
        return $this->repo->find("order-$id");
    }
}

interface Repo { public function find(string $id); }

trait Audits { function audit() {} }

function helper() { return "x"; }

Route::get('/users/{id}', [UserController::class, 'show']);
$app->get('/slim/{id}', function ($request) { return 'y'; });
`;

test('PHP: namespace, classes, interfaces, traits, functions and constructors', async () => {
  const o = await outline('php', CONTROLLER);
  assert.equal(o.package, 'App\\Http\\Controllers');
  assertDefinitions(o, '::', `
    class OrderController 8-20
    constructor OrderController::__construct 12
    method OrderController::show 15-19
    interface Repo 22
    method Repo::find 22
    class Audits 24
    method Audits::audit 24
    function helper 26
  `);
});

test('PHP: #[Route] attributes with named arguments, Laravel and Slim routes, span names, constants', async () => {
  const o = await outline('php', CONTROLLER);
  const show = defIndex(o, def(o, 'show'));
  const classRoute = lit(o, '/orders');
  assert.deepEqual(ctx(classRoute), { line: 7, callee: 'Route', annotation: true, argIndex: 0 });
  assert.equal(classRoute.target, defIndex(o, def(o, 'OrderController')));
  assert.deepEqual(ctx(lit(o, 'orders')), { line: 7, callee: 'Route', annotation: true, argIndex: 1, argName: 'name' });
  const route = lit(o, '/orders/{id}');
  assert.deepEqual(ctx(route), { line: 14, callee: 'Route', annotation: true, argIndex: 0 });
  assert.equal(route.target, show);
  assert.deepEqual(ctx(lit(o, 'GET')), { line: 14, callee: 'Route', annotation: true, argIndex: 1, argName: 'methods' });
  assert.deepEqual(annotatedRows(o), [['OrderController', ['Route']], ['show', ['Route']]]);
  const span = lit(o, 'show order');
  assert.deepEqual(ctx(span), { line: 17, callee: 'spanBuilder', receiver: 'tracer', argIndex: 0 });
  assert.equal(span.enclosing, show);
  assert.deepEqual(ctx(lit(o, 'order-$id')), { line: 18, callee: 'find', receiver: 'repo', argIndex: 0, template: true });
  assert.deepEqual(ctx(lit(o, 'SELECT * FROM orders WHERE id = ?')), { line: 10, assignedTo: 'FIND' });
  assert.deepEqual(ctx(lit(o, '/users/{id}')), { line: 28, callee: 'get', receiver: 'Route', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, '/slim/{id}')), { line: 29, callee: 'get', receiver: 'app', argIndex: 0 });
});
