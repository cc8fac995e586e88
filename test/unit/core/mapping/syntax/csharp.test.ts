// C# outlines: file-scoped and block namespaces, partial classes, records, overloads with parameter types, and the
// literals of ActivitySource.StartActivity, ASP.NET attributes ([Route], [HttpGet]) and minimal APIs; verbatim,
// interpolated and raw strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctx, def, defIndex, lit, outline } from './helpers';

const CONTROLLER = `using System.Diagnostics;

namespace Shop.Api;

[ApiController]
[Route("api/[controller]")]
public partial class OrdersController : ControllerBase
{
    private static readonly ActivitySource Source = new("Shop.Orders");
    private const string FindOrder = @"SELECT * FROM ""Orders"" WHERE Id = @id";

    public OrdersController(IOrderRepo repo) { _repo = repo; }

    [HttpGet("{id:int}", Name = "GetOrder")]
    public async Task<IActionResult> Get(int id)
    {
        using var activity = Source.StartActivity("load order");
        var path = $"orders/{id}";
        return Ok(await _repo.Find(id));
    }

    [HttpPost]
    [Route(template: "bulk")]
    public IActionResult Post(List<Order> orders, params string[] tags) => Ok();

    public IActionResult Post(Order order) => Ok();

    private class Audit
    {
        void Record() { }
    }
}

public record OrderDto(int Id, decimal Total);

public interface IOrderRepo { Task<Order> Find(int id); }

public static class Endpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/health", () => "ok");
        app.MapPost("/orders/{id}", (int id) => Results.Ok());
        var raw = """
            SELECT 1
            """;
    }
}
`;

const BLOCK = `namespace Shop.Legacy
{
    namespace Inner
    {
        public partial class OrdersController { void Other() { } }
    }
    public struct Money { }
    public enum Status { Open }
}
`;

test('C#: a file-scoped namespace, a partial class, nested class, record, interface, overloads', async () => {
  const o = await outline('csharp', CONTROLLER);
  assert.equal(o.package, 'Shop.Api');
  assert.deepEqual(o.namespaces, ['Shop.Api']);
  assert.deepEqual(o.definitions.map(d => [d.kind, [...d.containers, d.name].join('.'), d.line, d.endLine, d.paramTypes ?? null]), [
    ['class', 'OrdersController', 7, 32, null],
    ['constructor', 'OrdersController.OrdersController', 12, 12, ['IOrderRepo']],
    ['method', 'OrdersController.Get', 15, 20, ['int']],
    ['method', 'OrdersController.Post', 24, 24, ['List<Order>', 'params string[]']],
    ['method', 'OrdersController.Post', 26, 26, ['Order']],
    ['class', 'OrdersController.Audit', 28, 31, null],
    ['method', 'OrdersController.Audit.Record', 30, 30, []],
    ['record', 'OrderDto', 34, 34, null],
    ['interface', 'IOrderRepo', 36, 36, null],
    ['method', 'IOrderRepo.Find', 36, 36, ['int']],
    ['class', 'Endpoints', 38, 48, null],
    ['method', 'Endpoints.Map', 40, 47, ['WebApplication']],
  ]);
  assert.ok(o.definitions.every(d => d.namespace === 'Shop.Api'));
});

test('C#: block namespaces, nested ones named in full, and the namespace of each definition', async () => {
  const o = await outline('csharp', BLOCK);
  assert.deepEqual(o.namespaces, ['Shop.Legacy', 'Shop.Legacy.Inner']);
  assert.equal(o.package, 'Shop.Legacy');
  assert.deepEqual(o.definitions.map(d => [d.kind, d.name, d.line, d.namespace]), [
    ['class', 'OrdersController', 5, 'Shop.Legacy.Inner'],
    ['method', 'Other', 5, 'Shop.Legacy.Inner'],
    ['struct', 'Money', 7, 'Shop.Legacy'],
    ['enum', 'Status', 8, 'Shop.Legacy'],
  ]);
});

test('C#: StartActivity, [Route]/[HttpGet] attributes with named arguments, minimal APIs', async () => {
  const o = await outline('csharp', CONTROLLER);
  const get = defIndex(o, o.definitions.find(d => d.name === 'Get')!);
  const activity = lit(o, 'load order');
  assert.deepEqual(ctx(activity), { line: 17, callee: 'StartActivity', receiver: 'Source', argIndex: 0 });
  assert.equal(activity.enclosing, get);
  const route = lit(o, 'api/[controller]');
  assert.deepEqual(ctx(route), { line: 6, callee: 'Route', annotation: true, argIndex: 0 });
  assert.equal(route.target, defIndex(o, def(o, 'OrdersController', [])));
  assert.deepEqual(ctx(lit(o, '{id:int}')), { line: 14, callee: 'HttpGet', annotation: true, argIndex: 0 });
  assert.equal(lit(o, '{id:int}').target, get);
  assert.deepEqual(ctx(lit(o, 'GetOrder')), { line: 14, callee: 'HttpGet', annotation: true, argIndex: 1, argName: 'Name' });
  const bulk = lit(o, 'bulk');
  assert.deepEqual(ctx(bulk), { line: 23, callee: 'Route', annotation: true, argIndex: 0, argName: 'template' });
  assert.equal(bulk.target, o.definitions.findIndex(d => d.name === 'Post'));
  assert.deepEqual(o.definitions.filter(d => d.annotations).map(d => [d.name, d.line, d.annotations]), [
    ['OrdersController', 7, ['ApiController', 'Route']], ['Get', 15, ['HttpGet']], ['Post', 24, ['HttpPost', 'Route']],
  ]);
  assert.deepEqual(ctx(lit(o, '/health')), { line: 42, callee: 'MapGet', receiver: 'app', argIndex: 0 });
  assert.deepEqual(ctx(lit(o, '/orders/{id}')), { line: 43, callee: 'MapPost', receiver: 'app', argIndex: 0 });
});

test('C#: verbatim, interpolated and raw strings', async () => {
  const o = await outline('csharp', CONTROLLER);
  assert.deepEqual(ctx(lit(o, 'SELECT * FROM "Orders" WHERE Id = @id')), { line: 10, assignedTo: 'FindOrder' });
  assert.deepEqual(ctx(lit(o, 'orders/{id}')), { line: 18, assignedTo: 'path', template: true });
  assert.deepEqual(ctx(lit(o, 'SELECT 1')), { line: 44, assignedTo: 'raw' });
});

test('C#: three levels of block namespaces are each named once in full', async () => {
  const o = await outline('csharp', 'namespace A { namespace B { namespace C { class X { } } } namespace D { } }\n');
  assert.deepEqual(o.namespaces, ['A', 'A.B', 'A.B.C', 'A.D']);
  assert.equal(o.definitions[0]?.namespace, 'A.B.C');
});
