// G's package.json contributions: views, welcome views, colours, settings, commands, menus. Changes only these keys.
import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2] ?? 'package.json';
const pkg = JSON.parse(readFileSync(file, 'utf8'));
const c = (pkg.contributes ??= {});
const cat = 'Spanscope';
const mine = [
  ['spanscope.annotations.toggle', 'Toggle Code Annotations', '$(eye)'],
  ['spanscope.annotations.chooseSource', 'Annotate Code With…', '$(graph)'],
  ['spanscope.annotations.clear', 'Clear Code Annotations', '$(clear-all)'],
  ['spanscope.annotations.aggregate', 'Annotate Code With an Aggregate of Open Traces', '$(graph)'],
  ['spanscope.mapSpanToCursor', 'Map This Span to the Cursor Location', undefined],
  ['spanscope.showUnmappedSpans', 'Show Unmapped Spans', '$(question)'],
  ['spanscope.addPathMapping', 'Add Path Mapping…', '$(add)'],
  ['spanscope.revealSpans', 'Reveal Spans', undefined],
  ['spanscope.revealSpanInWaterfall', 'Open Span in Waterfall', '$(list-tree)'],
  ['spanscope.showSpanDetails', 'Show Span Details', '$(info)'],
  ['spanscope.openCodeLocation', 'Open Code Location', '$(go-to-file)'],
  ['spanscope.traces.search', 'Search Traces…', '$(search)'],
  ['spanscope.traces.openSearchResult', 'Open Search Result', undefined],
  ['spanscope.sidebar.refresh', 'Refresh', '$(refresh)'],
];
const cmds = (c.commands ??= []);
for (const [command, title, icon] of mine) {
  const entry = { command, title, category: cat, ...(icon ? { icon } : {}) };
  const at = cmds.findIndex(x => x.command === command);
  if (at >= 0) cmds[at] = entry; else cmds.push(entry);
}
const menus = (c.menus ??= {});
const upsert = (menu, items) => {
  const list = (menus[menu] ??= []);
  for (const it of items) {
    const at = list.findIndex(x => x.command === it.command && (x.when ?? '') === (it.when ?? '') && (x.group ?? '') === (it.group ?? ''));
    if (at >= 0) list[at] = it; else list.push(it);
  }
};
// Internal commands (called with arguments from CodeLens, hovers, trees) stay out of the palette.
upsert('commandPalette', ['spanscope.revealSpans', 'spanscope.revealSpanInWaterfall', 'spanscope.showSpanDetails', 'spanscope.openCodeLocation', 'spanscope.traces.openSearchResult', 'spanscope.sidebar.refresh']
  .map(command => ({ command, when: 'false' })));
upsert('commandPalette', [
  { command: 'spanscope.mapSpanToCursor', when: 'spanscope.hasActiveTrace && editorIsOpen' },
  { command: 'spanscope.annotations.aggregate', when: 'spanscope.hasActiveTrace' },
]);
upsert('editor/context', [{ command: 'spanscope.mapSpanToCursor', when: 'spanscope.hasActiveTrace && resourceScheme == file', group: 'spanscope@1' }]);
upsert('view/title', [
  { command: 'spanscope.traces.search', when: 'view == spanscope.traces', group: 'navigation@1' },
  { command: 'spanscope.sidebar.refresh', when: 'view == spanscope.traces', group: 'navigation@9' },
  { command: 'spanscope.annotations.chooseSource', when: 'view == spanscope.hotspots', group: 'navigation@1' },
  { command: 'spanscope.showUnmappedSpans', when: 'view == spanscope.hotspots', group: 'navigation@2' },
  { command: 'spanscope.annotations.toggle', when: 'view == spanscope.hotspots', group: 'navigation@3' },
]);
// Other modules' commands on these views, only once they are contributed (the commands test checks menus).
const contributed = new Set(cmds.map(x => x.command));
upsert('view/title', [
  { command: 'spanscope.addBackend', when: 'view == spanscope.backends', group: '1_backends@1' },
  { command: 'spanscope.checkBackends', when: 'view == spanscope.backends', group: '1_backends@2' },
  { command: 'spanscope.setBackendCredentials', when: 'view == spanscope.backends', group: '1_backends@3' },
  { command: 'spanscope.receiver.start', when: 'view == spanscope.backends && !spanscope.receiverRunning', group: '2_receiver@1' },
  { command: 'spanscope.receiver.stop', when: 'view == spanscope.backends && spanscope.receiverRunning', group: '2_receiver@1' },
  { command: 'spanscope.openTraceById', when: 'view == spanscope.traces', group: '1_open@1' },
  { command: 'spanscope.openTraceFile', when: 'view == spanscope.traces', group: '1_open@2' },
].filter(m => contributed.has(m.command)));
upsert('view/item/context', [
  { command: 'spanscope.revealSpanInWaterfall', when: 'view == spanscope.spans && viewItem == span', group: 'inline@1' },
  { command: 'spanscope.revealSpanInWaterfall', when: 'view == spanscope.spans && viewItem == span', group: '1_span@1' },
  { command: 'spanscope.showSpanDetails', when: 'view == spanscope.spans && viewItem == span', group: '1_span@2' },
  { command: 'spanscope.mapSpanToCursor', when: 'view == spanscope.spans && viewItem == span && editorIsOpen', group: '1_span@3' },
  { command: 'spanscope.pinTrace', when: 'view == spanscope.traces && viewItem == trace.recent', group: 'inline' },
  { command: 'spanscope.unpinTrace', when: 'view == spanscope.traces && viewItem == trace.pinned', group: 'inline' },
]);
c.viewsContainers ??= {};
c.viewsContainers.activitybar = [...(c.viewsContainers.activitybar ?? []).filter(v => v.id !== 'spanscope'), { id: 'spanscope', title: 'Spanscope', icon: 'media/activitybar.svg' }];
c.views ??= {};
c.views.spanscope = [
  { id: 'spanscope.backends', name: 'Backends', icon: '$(server)' },
  { id: 'spanscope.traces', name: 'Traces', icon: '$(list-unordered)' },
  { id: 'spanscope.live', name: 'Live', icon: '$(broadcast)' },
  { id: 'spanscope.spans', name: 'Spans', icon: '$(list-tree)' },
  { id: 'spanscope.hotspots', name: 'Hot Spots', icon: '$(flame)' },
  { id: 'spanscope.findings', name: 'Findings', icon: '$(lightbulb)' },
];
const welcome = [
  { view: 'spanscope.backends', contents: 'No backend is configured and the receiver is not available.\n[Add Backend](command:spanscope.addBackend)\n[Start Receiver](command:spanscope.receiver.start)' },
  { view: 'spanscope.traces', contents: 'Open a trace to explore it here and see its latency in your code.\n[Open Trace File](command:spanscope.openTraceFile)\n[Open Trace by ID](command:spanscope.openTraceById)\n[Start Receiver](command:spanscope.receiver.start)' },
  { view: 'spanscope.live', contents: 'Traces your app sends to the embedded OTLP receiver appear here as they arrive, newest first.\n[Start Receiver](command:spanscope.receiver.start)', when: '!spanscope.receiverRunning' },
  { view: 'spanscope.live', contents: 'Waiting for traces. Point your app\'s OTLP exporter (OTEL_EXPORTER_OTLP_ENDPOINT) at the address shown in this view\'s title.\n[Receiver Status](command:spanscope.receiver.status)', when: 'spanscope.receiverRunning' },
  { view: 'spanscope.spans', contents: 'The spans of the active trace appear here.\n[Open Trace File](command:spanscope.openTraceFile)\n[Open Trace by ID](command:spanscope.openTraceById)', when: '!spanscope.hasActiveTrace' },
  { view: 'spanscope.hotspots', contents: 'Code locations of the active trace, by self time, appear here once its spans map to files of this workspace.\n[Open Trace File](command:spanscope.openTraceFile)\n[Add Path Mapping](command:spanscope.addPathMapping)' },
  { view: 'spanscope.findings', contents: 'Broken context propagation, where errors started, N+1 calls and other findings of the active trace appear here.\n[Open Trace File](command:spanscope.openTraceFile)', when: '!spanscope.hasActiveTrace' },
];
c.viewsWelcome = [...(c.viewsWelcome ?? []).filter(w => !welcome.some(x => x.view === w.view)), ...welcome];
const colors = [
  ['spanscope.heat0', 'Gutter mark of lines with under 5% of the trace (or the lowest p95 rank in aggregate mode).', '#4e8fd433', '#2f6fb433', '#4e8fd4'],
  ['spanscope.heat1', 'Gutter mark of lines with 5–15% of the trace.', '#4e9fd499', '#2f6fb499', '#6fb3ff'],
  ['spanscope.heat2', 'Gutter mark of lines with 15–30% of the trace.', '#d7ba7dcc', '#b8860bcc', '#ffd700'],
  ['spanscope.heat3', 'Gutter mark of lines with 30–50% of the trace.', '#e8a040', '#c76e00', '#ffa500'],
  ['spanscope.heat4', 'Gutter mark of lines with half the trace or more (the highest p95 rank in aggregate mode).', '#f06040', '#c42b1c', '#ff6347'],
  ['spanscope.errorMarker', 'Gutter mark of lines whose spans include an error.', '#f14c4c', '#e51400', '#ff0000'],
  ['spanscope.inlineAnnotationForeground', 'Text of the inline annotation after a mapped line.', '#999999b0', '#6e6e6eb0', '#ffffff'],
];
const colorList = (c.colors ??= []);
for (const [id, description, dark, light, hc] of colors) {
  const entry = { id, description, defaults: { dark, light, highContrast: hc, highContrastLight: light } };
  const at = colorList.findIndex(x => x.id === id);
  if (at >= 0) colorList[at] = entry; else colorList.push(entry);
}
const conf = (c.configuration ??= []);
const section = {
  id: 'spanscope.code', title: 'Code Annotations', order: 3,
  properties: {
    'spanscope.pathMappings': {
      type: 'object', default: {}, scope: 'resource', additionalProperties: { type: 'string' },
      markdownDescription: 'Maps file paths as the traced application wrote them (`code.filepath`, stack frames) to files here, like a debugger\'s `sourceMapPathOverrides`: `{"/app/": "${workspaceFolder}/"}`. The longest matching key wins; one `*` carries the rest of the path. Variables: `${workspaceFolder}`, `${workspaceFolder:name}`. Paths that no mapping covers are matched by their longest common suffix with a workspace file.',
    },
    'spanscope.annotations.enabled': { type: 'boolean', default: true, scope: 'window', markdownDescription: 'Show span latency in the editor: gutter heat marks, inline annotations, CodeLens and hovers. **Spanscope: Toggle Code Annotations** switches it.' },
    'spanscope.annotations.inline': { type: 'boolean', default: true, scope: 'window', markdownDescription: 'Show `182 ms · 38% · 3 calls · 1 error` after each mapped line.' },
    'spanscope.annotations.codeLens': { type: 'boolean', default: true, scope: 'window', markdownDescription: 'Show `p50 · p95 · spans · errors` above mapped functions.' },
    'spanscope.annotations.hover': { type: 'boolean', default: true, scope: 'window', markdownDescription: 'Show a table of a mapped line\'s spans on hover.' },
    'spanscope.annotations.aggregateTraces': { type: 'integer', default: 20, minimum: 1, maximum: 500, scope: 'window', markdownDescription: 'How many recent traces of a service/operation **Annotate Code With… → aggregate** combines (p50/p95/max/count/error rate per code location).' },
  },
};
const at = conf.findIndex(s => s.id === section.id);
if (at >= 0) conf[at] = section; else conf.push(section);
writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log('G contributions written to', file);
