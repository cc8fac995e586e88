// How long parsing and outlining a 5,000-line file takes per language (printed; the bound is generous so the
// test holds on a loaded machine: it catches a blow-up, not a few percent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSyntaxParser } from '../../../../../src/worker/syntaxParser';
import type { SyntaxLanguage } from '../../../../../src/core/mapping/syntax/types';

const parser = createSyntaxParser();

/** About `lines` lines of plausible code: classes of methods with span names, routes and SQL. */
function generate(language: SyntaxLanguage, lines: number): string {
  const out: string[] = [];
  const unit: Record<string, (i: number) => string[]> = {
    java: i => [`  @GetMapping("/orders/${i}")`, `  public Order get${i}(String id, int n) {`, `    Span s = tracer.spanBuilder("get ${i}").startSpan();`, `    return repo.find("SELECT * FROM t${i} WHERE id = ?", id);`, '  }'],
    go: i => [`func (s *Service) Get${i}(ctx context.Context, id string) error {`, `\tctx, span := tracer.Start(ctx, "get ${i}")`, '\tdefer span.End()', `\treturn s.db.QueryRow("SELECT * FROM t${i} WHERE id = $1", id).Err()`, '}'],
    python: i => [`    @app.route("/orders/${i}")`, `    def get_${i}(self, order_id):`, `        with tracer.start_as_current_span("get ${i}"):`, `            return db.execute("SELECT * FROM t${i} WHERE id = %s", (order_id,))`, ''],
    typescript: i => [`  @Get('/orders/${i}')`, `  async get${i}(id: string): Promise<Order> {`, `    return tracer.startActiveSpan('get ${i}', async span => this.db.query(\`SELECT * FROM t${i} WHERE id = \${id}\`));`, '  }', ''],
  };
  const header: Record<string, string[]> = { java: ['package a.b;', 'class Big {'], go: ['package big', ''], python: ['class Big:'], typescript: ['export class Big {'] };
  const footer: Record<string, string[]> = { java: ['}'], go: [], python: [], typescript: ['}'] };
  out.push(...header[language]!);
  for (let i = 0; out.length < lines - 1; i++) out.push(...unit[language]!(i));
  out.push(...footer[language]!);
  return out.join('\n');
}

test('a 5,000-line file parses and outlines in well under the bound, per language', async () => {
  const report: string[] = [];
  for (const language of ['java', 'go', 'python', 'typescript'] as const) {
    const text = generate(language, 5000);
    await parser.outline(language, 'x'); // load the grammar outside the measurement
    const t0 = performance.now();
    const o = await parser.outline(language, text);
    const ms = performance.now() - t0;
    assert.ok(o.definitions.length >= 900, `${language}: ${o.definitions.length} definitions`);
    assert.equal(o.truncated, undefined);
    assert.ok(ms < 10_000, `${language}: ${ms.toFixed(0)} ms for 5,000 lines`);
    report.push(`${language} ${ms.toFixed(0)} ms (${(ms / 5).toFixed(1)} ms per 1,000 lines, ${o.definitions.length} definitions, ${o.literals.length} literals)`);
  }
  console.log(`# 5,000-line files: ${report.join('; ')}`);
});
