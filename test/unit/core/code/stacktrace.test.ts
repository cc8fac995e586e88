import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { innermostFrame, parseStackTrace } from '../../../../src/core/code/stacktrace';
import { OWN_FIXTURES } from '../../../support/paths';

const read = (name: string) => readFileSync(join(OWN_FIXTURES, 'stacktraces', name), 'utf8');
const brief = (text: string) => parseStackTrace(text).map(f => [f.language, f.function, f.filePath, f.line, f.column]);

test('V8 (JS/TS) frames: named, async, constructor, bare, native', () => {
  assert.deepEqual(brief(read('node.txt')), [
    ['js', 'CartController.list', '/usr/src/app/src/carts/cartController.ts', 42, 17],
    ['js', 'async Promise.all', undefined, undefined, undefined],
    ['js', 'new Router', '/usr/src/app/node_modules/express/lib/router.js', 10, 3],
    ['js', undefined, '/usr/src/app/src/index.ts', 7, 1],
    ['js', 'Array.map', undefined, undefined, undefined],
  ]);
});

test('Python frames in traceback order; the innermost is the last', () => {
  const frames = parseStackTrace(read('python.txt'));
  assert.deepEqual(frames.map(f => [f.language, f.function, f.filePath, f.line]), [
    ['python', 'handle', '/app/orders/handler.py', 88],
    ['python', 'get', '/app/orders/repo.py', 12],
  ]);
  assert.equal(innermostFrame(frames)?.filePath, '/app/orders/repo.py');
});

test('Java frames including modules, native methods and Caused by', () => {
  assert.deepEqual(brief(read('java.txt')), [
    ['java', 'com.acme.orders.OrderService.pay', 'OrderService.java', 214, undefined],
    ['java', 'java.base/java.lang.Thread.run', 'Thread.java', 833, undefined],
    ['java', 'sun.reflect.NativeMethodAccessorImpl.invoke0', undefined, undefined, undefined],
    ['java', 'com.acme.orders.Repo.save', 'Repo.java', 9, undefined],
  ]);
});

test('Go frames: function line then tab-indented file:line +0x…', () => {
  const frames = parseStackTrace(read('go.txt'));
  assert.deepEqual(frames.map(f => [f.language, f.function, f.filePath, f.line]), [
    ['go', 'github.com/acme/inventory/internal/stock.(*Reserver).Reserve', '/app/internal/stock/reserver.go', 57],
    ['go', 'main.main', '/app/main.go', 12],
  ]);
});

test('.NET frames with and without file info', () => {
  assert.deepEqual(brief(read('dotnet.txt')), [
    ['dotnet', 'Acme.Cart.CartRepository.GetAsync', '/src/Acme.Cart/CartRepository.cs', 31, undefined],
    ['dotnet', 'Acme.Cart.CartController.Get', 'C:\\src\\Acme.Cart\\CartController.cs', 18, undefined],
    ['dotnet', 'System.Linq.ThrowHelper.ThrowNoElementsException', undefined, undefined, undefined],
  ]);
});

test('Ruby frames, old backtick and new quote style', () => {
  assert.deepEqual(brief(read('ruby.txt')), [
    ['ruby', 'total', '/app/models/order.rb', 23, undefined],
    ['ruby', 'OrdersController#show', '/app/controllers/orders_controller.rb', 7, undefined],
    ['ruby', '<main>', '/app/app.rb', 3, undefined],
  ]);
});

test('garbage and hostile input: nothing thrown, bounded time, bounded output', () => {
  assert.deepEqual(parseStackTrace(''), []);
  assert.deepEqual(parseStackTrace('no frames here\nat all'), []);
  assert.deepEqual(parseStackTrace(undefined as unknown as string), []);
  const hostile = [
    'at ' + ' ('.repeat(500_000),
    ('x:1:in '.repeat(150_000)),
    '  File "' + 'a'.repeat(1_000_000),
    ('    at f (/a.js:1:1)\n').repeat(50_000),
    ('at a) in b:line '.repeat(100_000)),
    '\t' + ':1'.repeat(500_000),
  ];
  for (const text of hostile) {
    const t0 = performance.now();
    const frames = parseStackTrace(text);
    const ms = performance.now() - t0;
    assert.ok(ms < 500, `${ms.toFixed(1)} ms for ${JSON.stringify(text.slice(0, 20))}`);
    assert.ok(frames.length <= 200);
  }
  const longLines = Array.from({ length: 40 }, () => 'at ' + 'a ('.repeat(650) + 'x:1:1)').join('\n');
  const t0 = performance.now();
  parseStackTrace(longLines);
  assert.ok(performance.now() - t0 < 500);
});

test('PHP frames: #N path(line): function', () => {
  const text = [
    'RuntimeException: invoice missing in /var/www/src/Repo/InvoiceRepo.php:31',
    'Stack trace:',
    '#0 /var/www/src/Controller/InvoiceController.php(12): App\\Repo\\InvoiceRepo->find(7)',
    '#1 /var/www/vendor/symfony/http-kernel/HttpKernel.php(163): App\\Controller\\InvoiceController->show(7)',
    '#2 {main}',
  ].join('\n');
  assert.deepEqual(brief(text), [
    ['php', 'App\\Repo\\InvoiceRepo->find', '/var/www/src/Controller/InvoiceController.php', 12, undefined],
    ['php', 'App\\Controller\\InvoiceController->show', '/var/www/vendor/symfony/http-kernel/HttpKernel.php', 163, undefined],
  ]);
});
