// package.json declares the Language Model Tools the extension registers; they are made from the MCP tool
// definitions and must stay in step with them (names, descriptions, input schemas).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lmToolContributions } from '../../../src/mcp/lm-contributions';
import { TOOLS, parseToolArgs } from '../../../src/mcp/tools';
import { ToolInputError } from '../../../src/mcp/sources';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { languageModelTools: unknown[] }; engines: { vscode: string } };

test('package.json languageModelTools are exactly what the MCP tools generate (run src/mcp/lm-contributions.ts --write)', () => {
  assert.deepEqual(pkg.contributes.languageModelTools, JSON.parse(JSON.stringify(lmToolContributions())));
});

test('every MCP tool is offered in the editor, plus the two editor-only tools; engines unchanged', () => {
  const names = (pkg.contributes.languageModelTools as Array<{ name: string; inputSchema: { required?: string[] } }>);
  for (const t of TOOLS) {
    const c = names.find(n => n.name === `spanscope_${t.name}`);
    assert.ok(c, t.name);
    // in the editor the trace defaults to the active one
    assert.ok(!(c.inputSchema.required ?? []).includes('traceId'), t.name);
  }
  assert.ok(names.some(n => n.name === 'spanscope_active_trace'));
  assert.ok(names.some(n => n.name === 'spanscope_current_file_latency'));
  assert.equal(pkg.engines.vscode, '^1.100.0');
});

test('parseToolArgs: valid input passes, invalid input is a ToolInputError naming the field', () => {
  const details = TOOLS.find(t => t.name === 'get_span_details')!;
  assert.deepEqual(parseToolArgs(details, { traceId: 'ab', spanIds: ['cd'] }), { traceId: 'ab', spanIds: ['cd'] });
  assert.throws(() => parseToolArgs(details, { traceId: 'ab', spanIds: [] }), (e: unknown) => e instanceof ToolInputError && /spanIds/.test(e.message));
  assert.throws(() => parseToolArgs(details, { traceId: 7, spanIds: ['cd'] }), (e: unknown) => e instanceof ToolInputError && /traceId/.test(e.message));
});
