// Issue 18: Spanscope's Language Model Tools in real VS Code (code-server), without a model or a chat session.
// A test-only extension (test/e2e/extensions/lm-probe) lists `vscode.lm.tools` and calls `vscode.lm.invokeTool` for
// each spanscope_* tool; this test opens the sample trace and the two traces of checkout.otlp.json in Spanscope,
// selects a span, runs the probe from the command palette, and checks every tool's answer against the open traces and
// against `spanscope summary` (the CLI) on the same files. A Jaeger backend is configured (at a port nothing listens
// on), so the test also sees the confirmation a tool asks for before it may query a backend: none for the open
// traces, a dialog for a search.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CODE_SERVER_VERSION, freePort } from '../../scripts/code-server.mjs';
import { PROJECT_ROOT } from '../support/paths';
import { commandTitle } from '../support/e2e/contributions';
import { E2E_CODE_SERVER, E2E_TEST, withWorkbench, type Session } from '../support/e2e/session';
import { waterfallFrame } from '../support/e2e/waterfall';
import { poll } from '../support/e2e/workbench';

const FIXTURE = join(PROJECT_ROOT, 'test', 'e2e', 'workspaces', 'basic', 'traces', 'checkout.otlp.json');
/** The sample trace has errors (the checkout traces have none): the errors tool is checked on it. */
const SAMPLE = join(PROJECT_ROOT, 'media', 'sample-trace.json');
const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');
const PROBE_DIR = join(PROJECT_ROOT, 'test', 'e2e', 'extensions', 'lm-probe');
const openInSpanscope = commandTitle('spanscope.openInSpanscope');
const CONTRIBUTED = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { contributes: { languageModelTools?: { name: string }[] } })
  .contributes.languageModelTools?.map(t => t.name) ?? [];

interface CliTrace {
  traceId: string; spanCount: number; serviceCount: number; errorCount: number; durationUs: number;
  criticalPath: string[]; findings: { kind: string; spanId: string; message: string }[];
}
interface ProbeOut {
  hasApi: boolean;
  tools: { name: string; description: string; inputSchema: unknown }[];
  results: Record<string, { ok: true; text: string } | { ok: false; name?: string; error: string }>;
}

/** Packs the probe extension into a .vsix in `dir` (vsce, as `npm run package` does for Spanscope). */
function packProbe(dir: string): string {
  const stage = join(dir, 'lm-probe');
  cpSync(PROBE_DIR, stage, { recursive: true });
  const out = join(dir, 'lm-probe.vsix');
  const r = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out],
    { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  assert.equal(r.status, 0, `vsce package of the probe failed: ${r.stdout}${r.stderr}`);
  return out;
}

/** Writes the probe's plan, runs it from the command palette, and returns what it wrote (after `whileRunning`). */
async function runProbe(s: Session, plan: Record<string, unknown>, whileRunning?: () => Promise<void>): Promise<ProbeOut> {
  const out = join(s.workspace, 'lm-probe-out.json');
  if (existsSync(out)) unlinkSync(out);
  writeFileSync(join(s.workspace, 'lm-probe-input.json'), JSON.stringify(plan));
  await s.wb.runCommand('LM Probe: Invoke Spanscope Tools');
  await whileRunning?.();
  await poll(async () => (existsSync(out) ? true : undefined), 60_000, 'the probe\'s results');
  return JSON.parse(readFileSync(out, 'utf8')) as ProbeOut;
}

function answer(out: ProbeOut, name: string): Record<string, unknown> {
  const r = out.results[name];
  assert.ok(r, `${name} was invoked`);
  assert.ok(r.ok, `${name} failed: ${r.ok ? '' : `${r.name}: ${r.error}`}`);
  return JSON.parse(r.text) as Record<string, unknown>;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

test('Language Model Tools: vscode.lm.tools lists every spanscope tool; vscode.lm.invokeTool answers each about the open trace', {
  ...E2E_TEST,
  timeout: 300_000,
  skip: E2E_TEST.skip || (!openInSpanscope && !process.env.CI ? 'Open in Spanscope is not contributed yet' : false),
}, async t => {
  assert.ok(CONTRIBUTED.length > 0, 'package.json contributes languageModelTools');
  assert.ok(existsSync(CLI), 'dist/cli.js is built (scripts/test.mjs builds first)');
  const cli = spawnSync(process.execPath, [CLI, 'summary', FIXTURE], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const [gateway, inventory] = (JSON.parse(cli.stdout) as { traces: CliTrace[] }).traces as [CliTrace, CliTrace];
  const cliSample = spawnSync(process.execPath, [CLI, 'summary', SAMPLE], { encoding: 'utf8' });
  assert.equal(cliSample.status, 0, cliSample.stderr);
  const sample = (JSON.parse(cliSample.stdout) as { traces: CliTrace[] }).traces[0]!;
  assert.ok(sample.errorCount > 0, 'the sample trace has errors');
  type OtlpDoc = { resourceSpans: { scopeSpans: { spans: { spanId: string; name: string; parentSpanId?: string }[] }[] }[] };
  const spansOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as OtlpDoc).resourceSpans.flatMap(r => r.scopeSpans.flatMap(x => x.spans));
  const chargeCard = spansOf(FIXTURE).find(x => x.name === 'charge card')!.spanId;
  const sampleRoot = spansOf(SAMPLE).find(x => !x.parentSpanId)!.name;

  const tmp = mkdtempSync(join(tmpdir(), 'spanscope-lm-probe-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const probe = packProbe(tmp);
  const deadPort = await freePort();

  await withWorkbench(t, {
    workspace: 'basic',
    files: { 'media/sample-trace.json': 'traces/sample-trace.json' },
    extensions: [probe],
    settings: { 'spanscope.backends': [{ name: 'far-jaeger', type: 'jaeger', url: `http://127.0.0.1:${deadPort}` }] },
  }, async s => {
    // The sample trace open, then both traces of checkout.otlp.json; the gateway's is the active one, "charge card"
    // selected in its waterfall.
    await s.wb.openFile('traces/sample-trace.json');
    await s.wb.runCommand(openInSpanscope!);
    await waterfallFrame(s.wb, sampleRoot);
    await s.wb.openFile('traces/checkout.otlp.json');
    await s.wb.runCommand(openInSpanscope!);
    await s.wb.pickQuickInput('Open all 2 traces');
    await s.page.locator('.tabs-container .tab', { hasText: 'inventory: POST /ship' }).first().waitFor({ timeout: 30_000 });
    await s.page.locator('.tabs-container .tab', { hasText: 'gateway: GET /checkout' }).first().click();
    const frame = await waterfallFrame(s.wb, 'charge card');
    await frame.getByText('charge card', { exact: true }).first().click();
    // The selection reaches the extension host by message: ask the active-trace tool until it reports it.
    await poll(async () => {
      const probed = await runProbe(s, { spanscope_active_trace: {} });
      const active = answer(probed, 'spanscope_active_trace') as { selectedSpan: { spanId: string } | null };
      return active.selectedSpan?.spanId === chargeCard ? true : undefined;
    }, 30_000, 'the selected span in spanscope_active_trace', 500);

    // Every tool that needs no backend, given no trace ID (so: the active trace) or IDs of open traces only.
    const rootSpanId = gateway.criticalPath[0]!;
    const plan: Record<string, unknown> = {
      spanscope_active_trace: {},
      spanscope_current_file_latency: {},
      spanscope_list_sources: {},
      spanscope_get_trace_summary: {},
      spanscope_get_trace_topology: {},
      spanscope_get_critical_path: {},
      spanscope_get_span_details: { spanIds: [rootSpanId] },
      spanscope_get_trace_errors: { traceId: sample.traceId },
      spanscope_get_findings: { traceId: gateway.traceId },
      spanscope_get_code_locations: {},
      spanscope_get_latency_for_code: { file: 'orders.js' },
      spanscope_compare_traces: { traceIdA: gateway.traceId, traceIdB: inventory.traceId },
    };
    const out = await runProbe(s, plan);
    assert.ok(out.hasApi, 'vscode.lm.invokeTool exists');
    assert.deepEqual(sorted(out.tools.map(x => x.name)), sorted(CONTRIBUTED), 'vscode.lm.tools lists exactly the contributed spanscope tools');
    for (const tool of out.tools) assert.ok(tool.description.length > 20, `${tool.name} has a description`);
    t.diagnostic(`answers (chars): ${Object.entries(out.results).map(([k, v]) => `${k}=${v.ok ? v.text.length : v.error}`).join(' ')}`);

    const active = answer(out, 'spanscope_active_trace') as { activeTrace: { traceId: string; spanCount: number }; openedFrom: string; selectedSpan: unknown };
    assert.equal(active.activeTrace.traceId, gateway.traceId);
    assert.equal(active.activeTrace.spanCount, gateway.spanCount);
    assert.match(active.openedFrom, /checkout\.otlp\.json/);
    assert.equal((active.selectedSpan as { spanId: string; name: string }).name, 'charge card');

    const sources = answer(out, 'spanscope_list_sources') as { sources: { id: string; kind: string; traceCount?: number; name?: string; reachable?: boolean }[] };
    assert.equal(sources.sources.find(x => x.id === 'editor')?.traceCount, 3, JSON.stringify(sources));
    const far = sources.sources.find(x => x.name?.includes('far-jaeger'));
    assert.equal(far?.reachable, false, JSON.stringify(sources));

    const summary = answer(out, 'spanscope_get_trace_summary') as { traceId: string; spanCount: number; serviceCount: number; errorCount: number; durationMs: number; findingCounts: Record<string, number> };
    assert.equal(summary.traceId, gateway.traceId);
    assert.equal(summary.spanCount, gateway.spanCount);
    assert.equal(summary.serviceCount, gateway.serviceCount);
    assert.equal(summary.errorCount, gateway.errorCount);
    assert.ok(Math.abs(summary.durationMs - gateway.durationUs / 1000) < 0.01, `${summary.durationMs} ms vs ${gateway.durationUs} µs`);
    const cliKinds: Record<string, number> = {};
    for (const f of gateway.findings) cliKinds[f.kind] = (cliKinds[f.kind] ?? 0) + 1;
    assert.deepEqual(summary.findingCounts, cliKinds);

    const topo = answer(out, 'spanscope_get_trace_topology') as { spanCount: number; spans: { spanId: string }[] };
    assert.equal(topo.spanCount, gateway.spanCount);
    assert.equal(topo.spans[0]?.spanId, rootSpanId);

    const crit = answer(out, 'spanscope_get_critical_path') as { traceId: string; criticalPathSpanCount: number; sections: { spanId: string }[] };
    assert.equal(crit.traceId, gateway.traceId);
    assert.deepEqual(sorted(crit.sections.map(x => x.spanId)), sorted(new Set(gateway.criticalPath)));

    const details = answer(out, 'spanscope_get_span_details') as { spans: { spanId: string }[] };
    assert.deepEqual(details.spans.map(x => x.spanId), [rootSpanId]);

    const errors = answer(out, 'spanscope_get_trace_errors') as { errorCount: number; errorOrigins: { spanId: string }[] };
    assert.equal(errors.errorCount, sample.errorCount);
    const origins = sample.findings.filter(f => f.kind === 'error-origin').map(f => f.spanId);
    assert.ok(origins.length > 0);
    assert.deepEqual(sorted(errors.errorOrigins.map(x => x.spanId)), sorted(origins));

    const findings = answer(out, 'spanscope_get_findings') as { findingCount: number; findings: { kind: string; spanId: string }[] };
    assert.equal(findings.findingCount, gateway.findings.length);
    assert.deepEqual(sorted(findings.findings.map(f => `${f.kind} ${f.spanId}`)), sorted(gateway.findings.map(f => `${f.kind} ${f.spanId}`)));

    const locations = answer(out, 'spanscope_get_code_locations') as { traceId: string; spansWithLocation: number };
    assert.equal(locations.traceId, gateway.traceId);
    assert.ok(locations.spansWithLocation > 0, 'the fixture records code locations');

    const latency = answer(out, 'spanscope_get_latency_for_code') as { locations: { file?: string }[] };
    assert.ok(latency.locations.length > 0, JSON.stringify(latency));

    const compare = answer(out, 'spanscope_compare_traces') as { a: { traceId: string; spanCount: number }; b: { traceId: string; spanCount: number } };
    assert.equal(compare.a.traceId, gateway.traceId);
    assert.equal(compare.b.traceId, inventory.traceId);
    assert.equal(compare.b.spanCount, inventory.spanCount);

    // The waterfall is in front, not a text editor: the current file's latency says so instead of failing.
    const fileLatency = out.results.spanscope_current_file_latency!;
    assert.ok(fileLatency.ok && /No file is open/.test(fileLatency.text), JSON.stringify(fileLatency));

    // A search goes to the configured backend: outside a chat, VS Code asks in a dialog; declining cancels the call.
    const declined = await runProbe(s, { spanscope_search_traces: { service: 'gateway' } }, async () => {
      const dialog = s.page.locator('.monaco-dialog-box');
      await dialog.getByText('Query tracing backends?').waitFor({ timeout: 30_000 });
      assert.match(await dialog.innerText(), /far-jaeger/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });
    const r = declined.results.spanscope_search_traces!;
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.ok ? '' : r.name, 'Canceled', JSON.stringify(r));

    if (E2E_CODE_SERVER === CODE_SERVER_VERSION) {
      // VS Code 1.100 refuses Spanscope's MCP server definition (it wants another contribution name): activation
      // still completed, with a warning, instead of ending before the tools were registered.
      await poll(async () => (/MCP server for agent mode not registered/.test(s.extensionLog()) ? true : undefined), 10_000, 'the MCP warning in the log');
    } else {
      // The newest VS Code accepts the definition: agent mode lists a "Spanscope" MCP server.
      assert.doesNotMatch(s.extensionLog(), /MCP server for agent mode not registered/);
      await s.wb.runCommand('MCP: List Servers');
      await s.wb.pickQuickInput('Spanscope');
      await s.page.keyboard.press('Escape');
    }
    assert.match(s.extensionLog(), /Spanscope \S* activated in/);
  });
});
