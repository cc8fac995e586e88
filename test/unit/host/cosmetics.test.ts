// Small things a new user sees: empty views' welcome texts short enough that their buttons are not cut off in a
// side panel of six views; one short trace ID length everywhere; a Live row's tooltip and screen-reader label that
// say what the trace is.
import '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { SHORT_ID_LENGTH, shortTraceId } from '../../../src/core/ids';
import { liveRowText } from '../../../src/host/sidebar/tracesView';

test('each empty view says one short sentence and offers at most two short buttons', () => {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { contributes: { viewsWelcome: { view: string; contents: string }[] } };
  assert.ok(pkg.contributes.viewsWelcome.length > 0);
  for (const w of pkg.contributes.viewsWelcome) {
    const lines = w.contents.split('\n');
    const buttons = lines.filter(l => /^\[[^\]]+\]\(command:[^)]+\)$/.test(l)).map(l => /^\[([^\]]+)\]/.exec(l)![1]!);
    const text = lines.filter(l => !/^\[[^\]]+\]\(command:/.test(l)).join(' ');
    // With six views in the panel each gets a few lines: a long text pushed the buttons out of sight.
    assert.ok(text.length <= 90, `${w.view}: ${text.length} characters of text: ${text}`);
    assert.ok(buttons.length >= 1 && buttons.length <= 2, `${w.view}: ${buttons.length} buttons`);
    for (const b of buttons) assert.ok(b.length <= 16, `${w.view}: button "${b}" is too long for a narrow panel`);
  }
});

test('short trace IDs have one length everywhere, from one function', () => {
  assert.equal(shortTraceId('4bf92f3577b34da6a3ce929d0e0e4736'), '4bf92f35');
  assert.equal(shortTraceId('abc'), 'abc');
  assert.equal(SHORT_ID_LENGTH, 8);
  // No other code cuts trace IDs to a length of its own.
  const offenders: string[] = [];
  let scanned = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(name)) {
        scanned++;
        if (/[tT]raceId\.slice\(0, \d+\)/.test(readFileSync(p, 'utf8'))) offenders.push(relative(PROJECT_ROOT, p));
      }
    }
  };
  walk(join(PROJECT_ROOT, 'src', 'host'));
  walk(join(PROJECT_ROOT, 'webview'));
  assert.ok(scanned >= 50, `only ${scanned} files scanned`);
  assert.deepEqual(offenders, []);
});

test('a Live row tells its service, operation, duration, spans, errors and time, to the eye and to a screen reader', () => {
  const item = {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', rootService: 'gateway', rootName: 'GET /checkout', startNs: BigInt(Date.UTC(2026, 0, 2, 3, 4, 5)) * 1_000_000n,
    durationNs: 270e6, spanCount: 18, errorCount: 1, lastUpdateMs: Date.UTC(2026, 0, 2, 3, 4, 6), completed: true,
  };
  const said = liveRowText(item);
  const time = new Date(Date.UTC(2026, 0, 2, 3, 4, 5)).toLocaleTimeString();
  const last = new Date(Date.UTC(2026, 0, 2, 3, 4, 6)).toLocaleTimeString();
  assert.equal(said.label, `gateway GET /checkout, 270 ms, 18 spans, 1 error, started ${time}, trace 4bf92f35`);
  // clock times, not an age: the row is redrawn only when its trace changes
  assert.equal(said.tooltip, `gateway: GET /checkout\n270 ms · 18 spans · 1 error\nstarted ${time}, last span ${last}\ntrace 4bf92f3577b34da6a3ce929d0e0e4736`);
  assert.match(liveRowText({ ...item, errorCount: 0, completed: false }).label, /no errors, started .*, still receiving/);
});
