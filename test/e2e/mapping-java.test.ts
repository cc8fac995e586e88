// Issue 13 in real VS Code (code-server) with no Java extension: spans the OpenTelemetry Java agent 2.33.1 recorded
// from the java-shop corpus app carry only a class and a method name (`code.namespace` + `code.function` by default,
// `code.function.name` with the new semconv, both with code/dup), no file and no line. "Go to source" on such a
// span must still open the method's declaration line, and the editor must show the spans' latency on those lines.
// The workspace is a copy of test/corpus/mapping/java-shop (its sources and captures); the expected lines come from
// the corpus's expected-<mode>.json, written from the `// @span` markers in the sources.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { codeServerDir } from '../../scripts/code-server.mjs';
import { formatShare } from '../../src/core/mapping/format';
import { formatDuration } from '../../src/core/units/duration';
import type { Nanos } from '../../src/core/model';
import { commandTitle, findView, focusViewCommand } from '../support/e2e/contributions';
import { annotationTexts, lensesByLine } from '../support/e2e/editor';
import { E2E_CODE_SERVER, E2E_TEST, withWorkbench, type Session } from '../support/e2e/session';
import { waterfallFrame } from '../support/e2e/waterfall';
import { QUICK_INPUT_BOX, poll } from '../support/e2e/workbench';
import { PROJECT_ROOT } from '../support/paths';

const CORPUS = join(PROJECT_ROOT, 'test', 'corpus', 'mapping', 'java-shop');
/** code-server's built-in extensions (VS Code's: grammars, and language servers for a few languages, none for Java). */
const CODE_SERVER_EXTENSIONS = join(codeServerDir(E2E_CODE_SERVER), 'node_modules', 'code-server', 'lib', 'vscode', 'extensions');
const openInSpanscope = commandTitle('spanscope.openInSpanscope');
const hotSpots = findView(/hotspots/);
const ORDER_SERVICE = 'shop-core/src/main/java/com/example/shop/OrderService.java';
const DECOY = 'shop-web/src/main/java/com/example/shop/web/OrderService.java';

type Mode = 'default' | 'code' | 'code-dup';
interface Expected { traceId: string; spanId: string; name: string; file: string; line: number }
interface OtlpSpan {
  traceId: string; spanId: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string; status?: { code?: number };
  events?: { name: string; attributes?: { key: string; value: { stringValue?: string } }[] }[];
}
interface OtlpDoc { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }

const expectedOf = (mode: Mode): Expected[] => (JSON.parse(readFileSync(join(CORPUS, `expected-${mode}.json`), 'utf8')) as { spans: Expected[] }).spans;
const captureOf = (mode: Mode): OtlpSpan[] => (JSON.parse(readFileSync(join(CORPUS, `capture-${mode}.json`), 'utf8')) as OtlpDoc)
  .resourceSpans.flatMap(r => r.scopeSpans.flatMap(s => s.spans));
/** Where each capture goes in the workspace: distinct names, so Quick Open cannot pick the wrong one. */
const traceFile = (mode: Mode) => `traces/java-agent-${mode}.otlp.json`;

/**
 * What each step checks: in capture `mode`, the first trace holding every span of `spans` (by name) is opened; Go to
 * source on `goTo` must land on its expected line, and each of `spans` must have its latency on its expected line.
 * The spans are @WithSpan methods the engine maps right today: a nested class (Audit.record, reported as
 * OrderService$Audit), a plain method (findOrder) and a named span that failed (charge card, `failed`: its trace is
 * the one where it failed, and the stack frame link of its exception must open the throwing line). The placeOrder
 * overloads are left out on purpose: the engine does not tell them apart yet (both land on the first overload),
 * which is its own work in src/core/mapping/engine.
 */
const STEPS: { mode: Mode; goTo: string; spans: string[]; failed?: true }[] = [
  { mode: 'default', goTo: 'Audit.record', spans: ['Audit.record'] },
  { mode: 'default', goTo: 'charge card', spans: ['charge card', 'OrderService.findOrder'], failed: true },
  { mode: 'code', goTo: 'OrderService.findOrder', spans: ['OrderService.findOrder', 'charge card'] },
  { mode: 'code-dup', goTo: 'Audit.record', spans: ['Audit.record'] },
];

/** Moves the cursor to `line` with Go to Line (":N" in Quick Open), which scrolls the line into view. */
async function goToLine(s: Session, line: number): Promise<void> {
  await s.wb.openPalette();
  await s.page.locator(QUICK_INPUT_BOX).fill(`:${line}`);
  await s.page.keyboard.press('Enter');
  await s.wb.waitForStatusBar(new RegExp(`Ln ${line}, Col 1\\b`), 10_000);
}

test('Java agent spans (code.* without file or line) open their method\'s line and show latency there, with no Java extension', {
  ...E2E_TEST,
  timeout: 360_000,
  skip: E2E_TEST.skip || ((!openInSpanscope || !hotSpots) && !process.env.CI ? 'Open in Spanscope or Hot Spots is not contributed' : false),
}, t => withWorkbench(t, {
  workspace: 'basic',
  files: {
    'test/corpus/mapping/java-shop/pom.xml': 'pom.xml',
    'test/corpus/mapping/java-shop/shop-core': 'shop-core',
    'test/corpus/mapping/java-shop/shop-web': 'shop-web',
    ...Object.fromEntries(STEPS.map(step => [`test/corpus/mapping/java-shop/capture-${step.mode}.json`, traceFile(step.mode)])),
  },
  // Another OrderService.java, in another package (multi-module builds have such twins): spans and stack frames
  // name a class, so they must still land in com/example/shop/OrderService.java, never on the bare file name.
  prepareWorkspace: ws => {
    mkdirSync(join(ws, dirname(DECOY)), { recursive: true });
    writeFileSync(join(ws, DECOY), 'package com.example.shop.web;\n\n/** Same file name, another package. */\npublic class OrderService {\n'
      + '    public void findOrder(long id) {\n    }\n\n    public void chargeCard(Object order) {\n    }\n\n'
      + '    public static final class Audit {\n        public void record(Object order) {\n        }\n    }\n}\n');
  },
}, async s => {
  // No Java language support beyond the grammar: code-server's built-in "java" extension has no code (so no
  // symbol provider), and the session's extensions directory holds Spanscope alone.
  const builtinJava = JSON.parse(readFileSync(join(CODE_SERVER_EXTENSIONS, 'java', 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(builtinJava.main, undefined, 'the built-in java extension runs code');
  assert.equal(builtinJava.browser, undefined, 'the built-in java extension runs code');
  const installed = readdirSync(s.extensionsDir).filter(n => !n.startsWith('.') && n !== 'extensions.json');
  assert.deepEqual(installed.map(n => n.replace(/-\d+\.\d+\.\d+.*$/, '')), ['spanscope.spanscope'], `installed: ${installed.join(', ')}`);
  for (const builtin of readdirSync(CODE_SERVER_EXTENSIONS)) assert.doesNotMatch(builtin, /redhat|vscjava|java-language|golang|ms-python/i);
  // And the workbench agrees: workspace symbol search finds no Java method.
  await s.wb.openPalette();
  await s.page.locator(QUICK_INPUT_BOX).fill('#placeOrder');
  await s.page.locator('.quick-input-widget .quick-input-list', { hasText: /No matching workspace symbols/ }).or(
    s.page.locator('.quick-input-widget .quick-input-message', { hasText: /No matching workspace symbols/ })).first().waitFor({ timeout: 20_000 });
  await s.page.keyboard.press('Escape');

  const orderServiceLines = readFileSync(join(s.workspace, 'shop-core/src/main/java/com/example/shop/OrderService.java'), 'utf8').split('\n');
  for (const step of STEPS) {
    const expected = expectedOf(step.mode);
    const failed = (id: string) => captureOf(step.mode).some(x => x.traceId === id && x.name === step.goTo && x.status?.code === 2);
    const traceId = [...new Set(expected.map(e => e.traceId))]
      .find(id => step.spans.every(name => expected.some(e => e.traceId === id && e.name === name)) && (!step.failed || failed(id)));
    assert.ok(traceId, `${step.mode}: no trace holds ${step.spans.join(', ')}`);
    const want = (name: string) => expected.find(e => e.traceId === traceId && e.name === name)!;
    for (const name of step.spans) assert.equal(want(name).file, ORDER_SERVICE);

    await s.wb.openFile(traceFile(step.mode));
    await s.wb.runCommand(openInSpanscope!);
    await s.wb.pickQuickInput(traceId); // the trace pick list shows each trace's ID
    // The waterfall's header shows the full trace ID: this finds the new waterfall, not one opened before.
    const frame = await waterfallFrame(s.wb, traceId);
    // Selecting the row shows the span's details (its span ID proves which span), whose Go to source is enabled
    // once the host has mapped the span.
    await frame.locator(`[role="treeitem"][aria-label^="shop ${step.goTo} "]`).first().click();
    const details = frame.locator('[data-testid="details"]').filter({ has: frame.locator('code', { hasText: want(step.goTo).spanId }) });
    await details.waitFor({ timeout: 15_000 });
    const button = details.locator('[data-testid="go-to-source"]');
    await poll(async () => (await button.isEnabled() ? true : undefined), 30_000, `${step.mode}: Go to source enabled for ${step.goTo}`);
    await button.click();
    const line = want(step.goTo).line;
    await s.wb.waitForStatusBar(new RegExp(`Ln ${line}, Col 1\\b`), 20_000);
    await waitForEditorOf(s, ORDER_SERVICE);
    t.diagnostic(`${step.mode}: ${step.goTo} → OrderService.java:${line}`);
    if (step.mode === 'default' && !step.failed) await s.flowScreenshot('java-agent-go-to-source');

    if (step.failed) {
      // The exception's first frame, as the capture has it, links to the throwing line of the same file.
      const stack = captureOf(step.mode).find(x => x.spanId === want(step.goTo).spanId)?.events
        ?.flatMap(e => e.attributes ?? []).find(a => a.key === 'exception.stacktrace')?.value.stringValue ?? '';
      const top = /at (com\.example\.shop\.OrderService\.\w+)\(OrderService\.java:(\d+)\)/.exec(stack);
      assert.ok(top, `no OrderService frame in the stack trace: ${stack.slice(0, 300)}`);
      const throwing = Number(top[2]);
      assert.match(readFileSync(join(s.workspace, ORDER_SERVICE), 'utf8').split('\n')[throwing - 1] ?? '', /throw new/);
      // Back to the waterfall (Go to source replaced it in the editor group), then the frame in the span's Events.
      await s.page.locator('.tabs-container .tab', { hasText: traceId.slice(0, 8) }).first().click();
      const again = await waterfallFrame(s.wb, traceId);
      await again.locator(`[role="treeitem"][aria-label^="shop ${step.goTo} "]`).first().click();
      const link = again.locator('[data-testid="details"]').filter({ has: again.locator('code', { hasText: want(step.goTo).spanId }) })
        .locator('button.frame', { hasText: `${top[1]}(OrderService.java:${throwing})` }).first();
      await link.click({ timeout: 15_000 });
      await s.wb.waitForStatusBar(new RegExp(`Ln ${throwing}, Col 1\\b`), 20_000);
      await waitForEditorOf(s, ORDER_SERVICE);
      t.diagnostic(`${step.mode}: the stack frame ${top[1]}(OrderService.java:${throwing}) → OrderService.java:${throwing}`);
    }

    // The latency of each span on its method's line: inline "<duration> · <share of the trace> · 1 call" and a
    // CodeLens above the line, computed here from the capture itself.
    const capture = captureOf(step.mode).filter(x => x.traceId === traceId);
    // Nanosecond timestamps exceed a double's precision (2^53): differences are taken exactly, as BigInts.
    const start = capture.map(x => BigInt(x.startTimeUnixNano)).reduce((a, b) => (b < a ? b : a));
    const end = capture.map(x => BigInt(x.endTimeUnixNano)).reduce((a, b) => (b > a ? b : a));
    const traceNs = Number(end - start);
    for (const name of step.spans) {
      const target = want(name);
      const span = capture.find(x => x.spanId === target.spanId)!;
      const dur = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano));
      const code = orderServiceLines[target.line - 1]!.trim();
      await goToLine(s, target.line);
      // Waited for until they show this trace's figures: the previous trace's may linger for a moment.
      const errors = span.status?.code === 2 ? ' · 1 error' : '';
      const inlineRe = new RegExp(`^${escape(formatDuration(dur as Nanos))} · ${escape(formatShare(dur / traceNs))} · 1 call${errors}$`);
      const inline = await settles(async () => (await annotationTexts(s)).find(a => a.line.includes(code))?.text, x => inlineRe.test(x),
        `${step.mode} ${name}: inline annotation matching ${inlineRe} on "${code}"`);
      const lensRe = new RegExp(`^p50 ${escape(formatDuration(dur as Nanos))} · p95 ${escape(formatDuration(dur as Nanos))} · 1 span${errors}$`);
      const lens = await settles(async () => (await lensesByLine(s)).find(l => l.line.includes(code))?.lens, x => lensRe.test(x),
        `${step.mode} ${name}: CodeLens matching ${lensRe} above "${code}"`);
      t.diagnostic(`${step.mode}: ${name} at line ${target.line}: "${inline}" / "${lens}"`);
      if (name !== step.goTo) continue;
      // The hover on the line: the span with its duration, and why the mapping chose this line.
      await s.page.locator('.part.editor .view-line', { hasText: code }).first().hover();
      const hover = await settles(async () => (await s.page.locator('.monaco-hover').allInnerTexts()).find(h => h.includes('Why here')), h => h.includes(name) && h.includes(formatDuration(dur as Nanos)),
        `${step.mode} ${name}: the hover of line ${target.line}`, 15_000);
      t.diagnostic(`${step.mode}: hover: ${hover.replace(/\s+/g, ' ').slice(0, 300)}`);
      await s.page.keyboard.press('Escape');
    }
    if (step.mode === 'code') await s.flowScreenshot('java-agent-annotations');
  }

  // Hot Spots (the last trace, code/dup) lists Audit.record's line; a click opens it.
  const last = STEPS[STEPS.length - 1]!;
  const auditLine = expectedOf(last.mode).find(e => e.name === 'Audit.record')!.line;
  await goToLine(s, 1);
  await s.wb.runCommand(focusViewCommand(hotSpots!));
  // The list draws only the rows that fit in its pane, and routes and client calls (which map too) can rank above
  // Audit.record: scroll it with the wheel until the row is drawn.
  const hotList = s.wb.view(hotSpots!.name).locator('.monaco-list').first();
  let seen = '';
  await poll(async () => {
    seen = (await s.wb.viewRows(hotSpots!.name)).join(' / ');
    if (seen.includes(`OrderService.java:${auditLine}`)) return true;
    await hotList.hover().catch(() => undefined);
    await s.page.mouse.wheel(0, 44);
    return undefined;
  }, 30_000, `OrderService.java:${auditLine} in Hot Spots`).catch(e => { throw new Error(`${(e as Error).message}; last seen: ${seen}`); });
  await s.wb.view(hotSpots!.name).locator('.monaco-list-row', { hasText: `OrderService.java:${auditLine}` }).first().click();
  await s.wb.waitForStatusBar(new RegExp(`Ln ${auditLine}, Col 1\\b`), 15_000);
  await waitForEditorOf(s, ORDER_SERVICE);
}));

/**
 * Waits until the active editor is `relativePath`: its tab, and the breadcrumbs' folders (the tab alone would not
 * tell the two OrderService.java apart).
 */
async function waitForEditorOf(s: Session, relativePath: string): Promise<void> {
  const name = relativePath.split('/').pop()!;
  await s.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
  const folders = relativePath.split('/');
  await poll(async () => {
    const crumbs = (await s.page.locator('.part.editor .editor-group-container.active .breadcrumbs-control').first().innerText().catch(() => ''))
      .split(/[\n›>]+/).map(x => x.trim()).filter(Boolean);
    return folders.every((f, k) => crumbs[k] === f) ? true : undefined;
  }, 10_000, `the breadcrumbs of ${relativePath}`);
}

/** Polls `probe` until its value passes `accept`; on timeout the error names the last value seen. */
async function settles(probe: () => Promise<string | undefined>, accept: (v: string) => boolean, what: string, timeout = 30_000): Promise<string> {
  let last: string | undefined;
  return poll(async () => {
    last = await probe();
    return last !== undefined && accept(last) ? last : undefined;
  }, timeout, what).catch(err => { throw new Error(`${(err as Error).message}; last seen: ${last ?? 'nothing'}`); });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
