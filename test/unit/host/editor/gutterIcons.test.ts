// The gutter marks: real images (gutterIconPath) drawn once for light and once for dark themes, whose colours stand
// out from those themes' editor backgrounds (high contrast included), heat shown by height as well as colour, and
// the error mark a different shape. The decoration types the editor uses carry them, and no line border any more.
import './fakeEditorApi';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decorationTypes } from './fakeEditorApi';
import { EventEmitter } from '../../../support/host/fakeVscode';
import { errorSvg, GUTTER_COLORS, gutterMarkOptions, heatSvg, type ThemeKind } from '../../../../src/host/editor/gutterIcons';
import { DecorationController, ERROR_COLOR_ID, HEAT_COLOR_IDS } from '../../../../src/host/editor/decorations';
import { gutterLegend } from '../../../../src/host/editor/hover';
import type { AnnotationModel } from '../../../../src/host/editor/annotationModel';

/** Editor backgrounds of VS Code's default themes of each kind: Light+/Light Modern, HC Light; Dark+/Dark Modern, HC. */
const BACKGROUNDS: Record<ThemeKind, string[]> = { light: ['#ffffff', '#f8f8f8'], dark: ['#1e1e1e', '#1f1f1f', '#000000'] };

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16) / 255).map(s => (s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}
/** The SVG inside a data: URI as the fake Uri keeps it (scheme data, path "image/svg+xml;base64,…"). */
function svgOf(uri: unknown): string {
  const u = uri as { scheme: string; path: string };
  assert.equal(u.scheme, 'data');
  const m = /^image\/svg\+xml;base64,(.+)$/.exec(u.path);
  assert.ok(m, u.path.slice(0, 40));
  return Buffer.from(m[1]!, 'base64').toString('utf8');
}

test('every mark has an image per theme kind whose colours contrast 3:1 with that kind of background', () => {
  for (const theme of ['light', 'dark'] as const) {
    const colors = GUTTER_COLORS[theme];
    for (const c of [...colors.heat, colors.error]) {
      for (const bg of BACKGROUNDS[theme]) assert.ok(contrast(c, bg) >= 3, `${theme}: ${c} on ${bg}: ${contrast(c, bg).toFixed(2)}`);
    }
    // The "!" on the error disc is legible.
    assert.ok(contrast(colors.errorGlyph, colors.error) >= 3, `${theme}: error glyph`);
    // Heat shows by height too: each level's bar is taller than the one below.
    const heights = [0, 1, 2, 3, 4].map(l => Number(/<rect[^>]* height="([\d.]+)"/.exec(heatSvg(l, theme))![1]));
    assert.deepEqual([...heights].sort((a, b) => a - b), heights);
    assert.equal(new Set(heights).size, 5);
    assert.match(errorSvg(theme), /<circle/);
    for (let l = 0; l < 5; l++) assert.ok(heatSvg(l, theme).includes(`fill="${colors.heat[l]}"`));
  }
  // Light and dark images differ (a dark-theme colour would vanish on a light background and vice versa).
  assert.notEqual(heatSvg(0, 'light'), heatSvg(0, 'dark'));
});

test('the decoration types carry the gutter images per theme and the overview ruler colour, and no line border', () => {
  decorationTypes.length = 0;
  const model = { onDidChange: new EventEmitter<void>().event, state: { traces: [], files: new Map() } } as unknown as AnnotationModel;
  const controller = new DecorationController(model);
  try {
    const byRuler = (id: string) => decorationTypes.find(d => (d.options.overviewRulerColor as { id?: string } | undefined)?.id === id)?.options;
    HEAT_COLOR_IDS.forEach((id, level) => {
      const o = byRuler(id);
      assert.ok(o, id);
      assert.equal(o.borderWidth, undefined, 'no 3 px border at the line start');
      for (const theme of ['light', 'dark'] as const) {
        const svg = svgOf((o[theme] as { gutterIconPath: unknown }).gutterIconPath);
        assert.equal(svg, heatSvg(level, theme));
      }
    });
    const e = byRuler(ERROR_COLOR_ID)!;
    assert.equal(svgOf((e.light as { gutterIconPath: unknown }).gutterIconPath), errorSvg('light'));
    assert.equal(svgOf((e.dark as { gutterIconPath: unknown }).gutterIconPath), errorSvg('dark'));
    assert.deepEqual(Object.keys(gutterMarkOptions(errorSvg, ERROR_COLOR_ID)).sort(), ['dark', 'gutterIconSize', 'isWholeLine', 'light', 'overviewRulerColor', 'overviewRulerLane']);
  } finally { controller.dispose(); }
});

test('the hover says what the gutter mark means', () => {
  assert.equal(gutterLegend(3, 0, 'trace'), "Gutter: the bar's height and colour show heat 4/5: 30–50% of the trace");
  assert.equal(gutterLegend(1, 2, 'trace'), 'Gutter: the red ! marks 2 spans here that ended in error (heat 2/5: 5–15% of the trace)');
  assert.match(gutterLegend(4, 0, 'aggregate'), /heat 5\/5 by p95 rank/);
});
