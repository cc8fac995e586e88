// The `contributes.languageModelTools` entries of package.json, made from the MCP tool definitions so that the two
// cannot drift apart (test/unit/mcp/lm-contributions.test.ts compares them; `node --import tsx
// src/mcp/lm-contributions.ts --write` rewrites package.json after a tool changes).
import { z } from 'zod';
import { TOOLS } from './tools';

export interface LmToolContribution {
  readonly name: string;
  readonly displayName: string;
  readonly toolReferenceName: string;
  readonly canBeReferencedInPrompt: true;
  readonly icon: string;
  readonly userDescription: string;
  readonly modelDescription: string;
  readonly tags: readonly string[];
  readonly inputSchema: Record<string, unknown>;
}

function schemaOf(shape: z.ZodRawShape): Record<string, unknown> {
  const s = z.toJSONSchema(z.object(shape)) as Record<string, unknown>;
  delete s.$schema;
  return s;
}

export function lmToolContributions(): LmToolContribution[] {
  const fromMcp = TOOLS.map(t => {
    // In the editor, a missing traceId means the active trace.
    const shape: Record<string, z.core.$ZodType> = { ...t.shape };
    if (shape.traceId) shape.traceId = (shape.traceId as z.ZodString).optional().describe('Trace ID in any form; default: the trace active in Spanscope');
    return {
      name: `spanscope_${t.name}`,
      displayName: `Spanscope: ${t.title}`,
      toolReferenceName: `spanscope-${t.name.replace(/_/g, '-')}`,
      canBeReferencedInPrompt: true as const,
      icon: '$(pulse)',
      userDescription: t.description.split('. ')[0]!.replace(/\.$/, '') + '.',
      modelDescription: t.description,
      tags: ['spanscope', 'tracing'],
      inputSchema: schemaOf(shape),
    };
  });
  return [
    {
      name: 'spanscope_active_trace', displayName: 'Spanscope: Active trace', toolReferenceName: 'spanscope-active-trace',
      canBeReferencedInPrompt: true, icon: '$(pulse)', userDescription: 'The trace open in Spanscope and the span selected in its waterfall.',
      modelDescription: 'The trace the user is looking at in Spanscope (summary: counts, duration, services, findings, top of the critical path) and the span selected in its waterfall with all its attributes and events. Call this first when the user says "this trace" or "this span".',
      tags: ['spanscope', 'tracing'], inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    },
    {
      name: 'spanscope_current_file_latency', displayName: 'Spanscope: Latency of the current file', toolReferenceName: 'spanscope-current-file-latency',
      canBeReferencedInPrompt: true, icon: '$(pulse)', userDescription: 'p50/p95/errors of the spans the current file (or selected lines) produced.',
      modelDescription: 'Latency (p50/p95/max, count, errors) of the spans produced by the file in the active editor, limited to the selected lines when there is a selection, over the traces open in Spanscope, with the slowest spans and lines.',
      tags: ['spanscope', 'tracing'], inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    },
    ...fromMcp,
  ];
}

if (process.argv.includes('--write')) {
  void (async () => {
    const fs = await import('node:fs');
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { contributes: Record<string, unknown> };
    pkg.contributes.languageModelTools = lmToolContributions();
    fs.writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
  })();
}
