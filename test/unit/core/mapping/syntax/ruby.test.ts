// Ruby outlines: modules, classes (also `A::B` names), methods and singleton methods, and the literals of Rails
// routes (`get '/x', to: 'c#a'`, `resources :orders` as symbols), in_span span names, interpolated strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertDefinitions, ctx, def, defIndex, lit, outline } from './helpers';

const ROUTES = `Rails.application.routes.draw do
  get '/orders/:id', to: 'orders#show'
  post "/orders", to: "orders#create", as: :create_order
  resources :orders, only: [:index, :show]
  namespace :admin do
    resources :users
  end
end
`;

const CONTROLLER = `module Shop
  class OrdersController < ApplicationController
    FIND = "SELECT * FROM orders WHERE id = ?"

    def initialize(repo)
      @repo = repo
    end

    def show
      tracer.in_span("show order #{params[:id]}") do |span|
        render json: @repo.find(params[:id])
      end
    end

    def self.build
      new(Repo.new)
    end
  end
end

class Api::V1::UsersController
  def index; end
end

def helper
  'single \\'quoted\\''
end
`;

test('Ruby: Rails routes, with their controller#action and resources as symbols', async () => {
  const o = await outline('ruby', ROUTES);
  assert.deepEqual(ctx(lit(o, '/orders/:id')), { line: 2, callee: 'get', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, 'orders#show')), { line: 2, callee: 'get', argIndex: 1, argName: 'to' });
  assert.deepEqual(ctx(lit(o, '/orders')), { line: 3, callee: 'post', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, 'orders#create')), { line: 3, callee: 'post', argIndex: 1, argName: 'to' });
  assert.deepEqual(ctx(lit(o, 'orders', 4)), { line: 4, callee: 'resources', argIndex: 0, symbol: true });
  assert.deepEqual(ctx(lit(o, 'index')), { line: 4, callee: 'resources', argIndex: 1, argName: 'only', symbol: true });
  assert.deepEqual(ctx(lit(o, 'users')), { line: 6, callee: 'resources', argIndex: 0, symbol: true });
  assert.equal(lit(o, 'users').column, 15);
});

test('Ruby: modules, classes with scoped names, constructors, singleton methods, top-level methods', async () => {
  const o = await outline('ruby', CONTROLLER);
  assertDefinitions(o, '::', `
    module Shop 1-19
    class Shop::OrdersController 2-18
    constructor Shop::OrdersController::initialize 5-7
    method Shop::OrdersController::show 9-13
    method Shop::OrdersController::build 15-17
    class Api::V1::UsersController 21-23
    method Api::V1::UsersController::index 22
    function helper 25-27
  `);
  const span = lit(o, 'show order #{params[:id]}');
  assert.deepEqual(ctx(span), { line: 10, callee: 'in_span', receiver: 'tracer', argIndex: 0, template: true });
  assert.equal(span.enclosing, defIndex(o, def(o, 'show')));
  assert.deepEqual(ctx(lit(o, 'SELECT * FROM orders WHERE id = ?')), { line: 3, assignedTo: 'FIND' });
  assert.deepEqual(ctx(lit(o, "single 'quoted'")), { line: 26 });
});
