// The waterfall webview's HTML (DESIGN.md habit 7): CSP `default-src 'none'`, one nonce per render, scripts and
// styles only from the webview resource origin, no inline handlers, no remote content. No `vscode` import, so
// the test harness serves exactly the same page.

export interface WaterfallHtmlOptions {
  /** `webview.cspSource` (the harness passes its own origin). */
  readonly cspSource: string;
  readonly nonce: string;
  /** dist/webview.js as a webview URI. */
  readonly scriptUri: string;
  /** media/waterfall.css as a webview URI. */
  readonly styleUri: string;
  readonly title: string;
  /**
   * Scripts that must run before the bundle (the harness's stand-in for the host). Same nonce. They come first in
   * the head, before the stylesheets (a script after a stylesheet waits for it, and a script at the end of the
   * body is requested only once the stylesheets are in): the stand-in starts its work (the document's fetch) as
   * the page starts, as the extension host does before its panel has loaded.
   */
  readonly preludeScriptUris?: readonly string[];
  readonly bodyClass?: string;
  /** Extra stylesheets (the harness's stand-in for VS Code's theme variables). */
  readonly extraStyleUris?: readonly string[];
  /** Extra CSP directives (the harness's worker only; the panel adds none). */
  readonly extraCsp?: readonly string[];
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderWaterfallHtml(o: WaterfallHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `style-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
    ...(o.extraCsp ?? []),
  ].join('; ');
  const script = (u: string): string => `<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(u)}"></script>`;
  const preludes = (o.preludeScriptUris ?? []).map(u => `${script(u)}\n    `).join('');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${preludes}${[...(o.extraStyleUris ?? []), o.styleUri].map(u => `<link rel="stylesheet" href="${escapeAttr(u)}">`).join('\n    ')}
    <title>${escapeAttr(o.title)}</title>
  </head>
  <body${o.bodyClass ? ` class="${escapeAttr(o.bodyClass)}"` : ''}>
    <div id="root"></div>
    ${script(o.scriptUri)}
  </body>
</html>`;
}

/** A fresh nonce: 32 characters from a CSPRNG (crypto.getRandomValues exists in Node 20 and browsers). */
export function makeNonce(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[b & 63];
  return s;
}
