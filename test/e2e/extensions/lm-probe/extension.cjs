// Test-only extension for test/e2e/lm-tools.test.ts. "LM Probe: Invoke Spanscope Tools" reads
// <workspace>/lm-probe-input.json ({ "<tool name>": <input>, … }), lists vscode.lm.tools, invokes the named tools
// with vscode.lm.invokeTool (no chat session, no model: toolInvocationToken undefined) one after the other, and
// writes what it saw to <workspace>/lm-probe-out.json (written whole, then renamed, so the test never reads half).
// It is plain JavaScript so it needs no build; the test packs it into a .vsix.
const vscode = require('vscode');
const fs = require('node:fs');
const path = require('node:path');

function partText(part) {
  if (part instanceof vscode.LanguageModelTextPart) return part.value;
  return JSON.stringify(part);
}

exports.activate = context => {
  context.subscriptions.push(vscode.commands.registerCommand('lmProbe.run', async () => {
    const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'lm-probe-input.json'), 'utf8'));
    const out = {
      hasApi: typeof vscode.lm?.invokeTool === 'function',
      tools: (vscode.lm?.tools ?? []).filter(t => t.name.startsWith('spanscope_'))
        .map(t => ({ name: t.name, description: t.description, inputSchema: t.inputSchema ?? null, tags: t.tags })),
      results: {},
    };
    for (const [name, input] of Object.entries(plan)) {
      try {
        const r = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
        out.results[name] = { ok: true, text: r.content.map(partText).join('') };
      } catch (e) {
        out.results[name] = { ok: false, name: e?.name, error: String(e?.message ?? e) };
      }
    }
    const file = path.join(root, 'lm-probe-out.json');
    fs.writeFileSync(file + '.tmp', JSON.stringify(out, null, 2));
    fs.renameSync(file + '.tmp', file);
  }));
};
exports.deactivate = () => {};
