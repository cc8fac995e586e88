// The gutter marks of mapped lines: a bar whose height and colour both grow with the line's heat level (so it
// reads without colour too), and a red disc with "!" for lines whose spans include an error. They are SVG images
// (gutterIconPath): a data URI cannot use theme colours, so each mark is drawn twice, once for light themes (also
// used by light high contrast) and once for dark themes (also dark high contrast), with colours that keep at least
// 3:1 contrast against those themes' editor backgrounds (checked by test/unit/host/editor/gutterIcons.test.ts).
import * as vscode from 'vscode';

export type ThemeKind = 'light' | 'dark';

/** Fill colours of heat levels 0..4 (cool to hot) and of the error mark, per theme kind. */
export const GUTTER_COLORS: Readonly<Record<ThemeKind, { heat: readonly string[]; error: string; errorGlyph: string }>> = {
  light: { heat: ['#2f6fb4', '#16825d', '#9a6700', '#c45500', '#c42b1c'], error: '#d0170b', errorGlyph: '#ffffff' },
  dark: { heat: ['#5b9bd5', '#3fb68b', '#d7ba7d', '#f0a040', '#ff6a4d'], error: '#f14c4c', errorGlyph: '#000000' },
};

/** The SVG of heat level `level` (0..4): a bar 4 px wide, 4 + 2.5·level px tall of 16, standing on the baseline. */
export function heatSvg(level: number, theme: ThemeKind): string {
  const l = Math.max(0, Math.min(4, Math.trunc(level)));
  const h = 4 + l * 2.5;
  const color = GUTTER_COLORS[theme].heat[l]!;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><rect x="6" y="${15 - h}" width="4" height="${h}" rx="1" fill="${color}"/></svg>`;
}

/** The SVG of the error mark: a disc with an exclamation mark (a shape, not only a colour). */
export function errorSvg(theme: ThemeKind): string {
  const c = GUTTER_COLORS[theme];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="${c.error}"/><rect x="7" y="4" width="2" height="5" rx="0.5" fill="${c.errorGlyph}"/><rect x="7" y="10.2" width="2" height="2" rx="1" fill="${c.errorGlyph}"/></svg>`;
}

/** A data: URI of an SVG, for gutterIconPath (base64, so that no character of it needs escaping). */
export function svgUri(svg: string): vscode.Uri {
  return vscode.Uri.parse(`data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`);
}

/** Decoration options of a gutter mark: its image per theme kind, and the overview ruler mark in a theme colour. */
export function gutterMarkOptions(svg: (theme: ThemeKind) => string, rulerColorId: string): vscode.DecorationRenderOptions {
  return {
    isWholeLine: true,
    gutterIconSize: 'contain',
    light: { gutterIconPath: svgUri(svg('light')) },
    dark: { gutterIconPath: svgUri(svg('dark')) },
    overviewRulerColor: new vscode.ThemeColor(rulerColorId),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  };
}
