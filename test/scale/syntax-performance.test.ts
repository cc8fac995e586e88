// How long parsing and outlining a 5,000-line file takes per language (printed; the bound is generous so the
// test holds on a loaded machine: it catches a blow-up, not a few percent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSyntaxParser } from '../../src/worker/syntaxParser';
import type { SyntaxLanguage } from '../../src/core/mapping/syntax/types';

const parser = createSyntaxParser();

/** About `lines` lines of plausible code: classes of methods with span names, routes and SQL. */
function generate(language: SyntaxLanguage, lines: number): string {
  const out: string[] = [];
  const unit: Record<string, (i: number) => string[]> = {
    java: i => [`  @GetMapping("/orders/${i}")`, `  public Order get${i}(String id, int n) {`, `    Span s = tracer.spanBuilder("get ${i}").startSpan();`, `    return repo.find("SELECT * FROM t${i} WHERE id = ?", id);`, '  }'],
    go: i => [`func (s *Service) Get${i}(ctx context.Context, id string) error {`, `\tctx, span := tracer.Start(ctx, "get ${i}")`, '\tdefer span.End()', `\treturn s.db.QueryRow("SELECT * FROM t${i} WHERE id = $1", id).Err()`, '}'],
    python: i => [`    @app.route("/orders/${i}")`, `    def get_${i}(self, order_id):`, `        with tracer.start_as_current_span("get ${i}"):`, `            return db.execute("SELECT * FROM t${i} WHERE id = %s", (order_id,))`, ''],
    typescript: i => [`  @Get('/orders/${i}')`, `  async get${i}(id: string): Promise<Order> {`, `    return tracer.startActiveSpan('get ${i}', async span => this.db.query(\`SELECT * FROM t${i} WHERE id = \${id}\`));`, '  }', ''],
    javascript: i => [`app.get('/orders/${i}', handler${i});`, `async function handler${i}(req, res) {`, `  return tracer.startActiveSpan(\`get ${i}\`, span => db.query('SELECT * FROM t${i} WHERE id = $1', [req.params.id]));`, '}', ''],
    csharp: i => [`    [HttpGet("/orders/${i}")]`, `    public async Task<Order> Get${i}(int id)`, `    {`, `        using var a = Source.StartActivity("get ${i}"); return await _db.Query(@"SELECT * FROM t${i} WHERE id = @id", id);`, '    }'],
    ruby: i => [`  def get_${i}(id)`, `    tracer.in_span("get ${i}") do |span|`, `      Order.find_by_sql("SELECT * FROM t${i} WHERE id = ?", id)`, '    end', '  end'],
    php: i => [`    #[Route('/orders/${i}')]`, `    public function get${i}(int $id): Order`, '    {', `        return $this->db->query("SELECT * FROM t${i} WHERE id = ?", [$id]);`, '    }'],
    rust: i => [`    #[get("/orders/${i}")]`, `    pub async fn get_${i}(&self, id: i64) -> Result<Order> {`, `        let span = tracer.start("get ${i}");`, `        sqlx::query("SELECT * FROM t${i} WHERE id = $1").bind(id).fetch_one(&self.db).await`, '    }'],
    cpp: i => [`  Order Get${i}(int id) {`, `    auto span = tracer->StartSpan("get ${i}");`, `    server.Get("/orders/${i}", handler);`, `    return db.Query("SELECT * FROM t${i} WHERE id = ?", id);`, '  }'],
  };
  const header: Record<string, string[]> = {
    java: ['package a.b;', 'class Big {'], go: ['package big', ''], python: ['class Big:'], typescript: ['export class Big {'], javascript: [],
    csharp: ['namespace Big;', 'public class Big', '{'], ruby: ['class Big'], php: ['<?php', 'namespace Big;', 'class Big', '{'], rust: ['impl Big {'], cpp: ['class Big {', ' public:'],
  };
  const footer: Record<string, string[]> = { java: ['}'], go: [], python: [], typescript: ['}'], javascript: [], csharp: ['}'], ruby: ['end'], php: ['}'], rust: ['}'], cpp: ['};'] };
  out.push(...header[language]!);
  for (let i = 0; out.length < lines - 1; i++) out.push(...unit[language]!(i));
  out.push(...footer[language]!);
  return out.join('\n');
}

test('a 5,000-line file parses and outlines in well under the bound, per language', async () => {
  const report: string[] = [];
  for (const language of ['java', 'go', 'python', 'typescript', 'javascript', 'csharp', 'ruby', 'php', 'rust', 'cpp'] as const) {
    const text = generate(language, 5000);
    await parser.outline(language, 'x'); // load the grammar outside the measurement
    // CPU time next to wall time: on a loaded machine the wall time mostly measures the other processes.
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const o = await parser.outline(language, text);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    assert.equal(o.hasErrors, undefined, `${language}: the generated file does not parse cleanly`);
    assert.ok(o.definitions.length >= 900, `${language}: ${o.definitions.length} definitions`);
    assert.equal(o.truncated, undefined);
    assert.ok(ms < 10_000, `${language}: ${ms.toFixed(0)} ms for 5,000 lines`);
    report.push(`${language} ${(ms / 5).toFixed(0)} ms [cpu ${(cpuMs / 5).toFixed(0)} ms] (${o.definitions.length} defs, ${o.literals.length} literals)`);
  }
  console.log(`# parse+outline per 1,000 lines (5,000-line files): ${report.join('; ')}`);
});
