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
  /** Scripts that must run before the bundle (the harness's stand-in for the host). Same nonce. */
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
  const scripts = [...(o.preludeScriptUris ?? []), o.scriptUri].map(u => `<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(u)}"></script>`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${[...(o.extraStyleUris ?? []), o.styleUri].map(u => `<link rel="stylesheet" href="${escapeAttr(u)}">`).join('\n    ')}
    <title>${escapeAttr(o.title)}</title>
  </head>
  <body${o.bodyClass ? ` class="${escapeAttr(o.bodyClass)}"` : ''}>
    <div id="root"></div>
    ${scripts}
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
