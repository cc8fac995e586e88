// Rust and C++ outlines: impl blocks and classes as containers, modules/namespaces, qualified C++ definitions,
// and the literals of span-starting calls, attribute routes, macros, raw strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotatedRows, assertDefinitions, ctx, def, defIndex, lit, outline } from './helpers';

const MAIN_RS = `use axum::{routing::get, Router};

const FIND: &str = "SELECT * FROM orders WHERE id = $1";

pub struct Service { db: Pool }

impl Service {
    pub fn new(db: Pool) -> Self { Service { db } }

    #[tracing::instrument(name = "place order")]
    pub async fn place(&self, id: &str) -> Result<()> {
        let span = tracer.start("charge card");
        sqlx::query!(r#"SELECT * FROM "orders""#, id);
        Ok(())
    }
}

trait Repo { fn find(&self); }

mod handlers {
    #[get("/orders/{id}")]
    async fn get_order() -> impl Responder { "ok" }
}

fn main() {
    let app = Router::new().route("/orders/:id", get(handler));
    println!("listening {}", 8080);
}
`;

const SERVER_CPP = `#include "server.h"

namespace shop {

class OrderService {
 public:
  OrderService();
  void Place(const std::string& id) {
    auto span = tracer->StartSpan("place order");
  }
};

OrderService::OrderService() {}

void Handler::Get(int id) { server.Get("/orders/:id", handler); }

}  // namespace shop

int main() { return run(R"(raw text)"); }
`;

test('Rust: structs, impl methods, traits, modules; instrument and route attributes, macros, raw strings', async () => {
  const o = await outline('rust', MAIN_RS);
  // Repo's `fn find(&self);` has no body: a signature, not a definition, so it is not listed.
  assertDefinitions(o, '::', `
    struct Service 5
    method Service::new 8
    method Service::place 11-15
    interface Repo 18
    module handlers 20-23
    function handlers::get_order 22
    function main 25-28
  `);
  const place = defIndex(o, def(o, 'place'));
  const instrument = lit(o, 'place order');
  assert.deepEqual(ctx(instrument), { line: 10, callee: 'instrument', annotation: true, argIndex: 0, argName: 'name' });
  assert.equal(instrument.target, place);
  assert.deepEqual(annotatedRows(o), [['place', ['instrument']], ['get_order', ['get']]]);
  assert.deepEqual(ctx(lit(o, 'charge card')), { line: 12, callee: 'start', receiver: 'tracer', argIndex: 0 });
  assert.equal(lit(o, 'charge card').enclosing, place);
  assert.deepEqual(ctx(lit(o, 'SELECT * FROM "orders"')), { line: 13, callee: 'query', receiver: 'sqlx', argIndex: 0 });
  const get = lit(o, '/orders/{id}');
  assert.deepEqual(ctx(get), { line: 21, callee: 'get', annotation: true, argIndex: 0 });
  assert.equal(get.target, defIndex(o, def(o, 'get_order')));
  assert.deepEqual(ctx(lit(o, '/orders/:id')), { line: 26, callee: 'route', receiver: 'new', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, 'SELECT * FROM orders WHERE id = $1')), { line: 3, assignedTo: 'FIND' });
});

test('C++: namespaces, classes, inline and out-of-line methods and constructors, span names, raw strings', async () => {
  const o = await outline('cpp', SERVER_CPP);
  assertDefinitions(o, '::', `
    module shop 3-17
    class shop::OrderService 5-11
    method shop::OrderService::Place 8-10
    constructor shop::OrderService::OrderService 13
    method shop::Handler::Get 15
    function main 19
  `);
  assert.deepEqual(ctx(lit(o, 'place order')), { line: 9, callee: 'StartSpan', receiver: 'tracer', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, '/orders/:id')), { line: 15, callee: 'Get', receiver: 'server', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, 'raw text')), { line: 19, callee: 'run', argIndex: 0 });
});
