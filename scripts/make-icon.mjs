// Draws media/icon.png (256×256) from the SVG below with headless Chromium: a trace waterfall (staggered span bars,
// the critical one highlighted) on a rounded tile. Run again after changing the SVG: `node scripts/make-icon.mjs`.
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';

const bars = [
  // x, y, width, colour
  [40, 52, 176, '#7aa2f7'],
  [60, 86, 120, '#9ece6a'],
  [84, 120, 70, '#e0af68'],
  [160, 120, 44, '#f7768e'],
  [104, 154, 92, '#bb9af7'],
  [124, 188, 52, '#7dcfff'],
];
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#24283b"/><stop offset="1" stop-color="#1a1b26"/></linearGradient></defs>
  <rect x="8" y="8" width="240" height="240" rx="44" fill="url(#bg)"/>
  <path d="M40 40 V220" stroke="#414868" stroke-width="3" stroke-linecap="round"/>
  ${bars.map(([x, y, w, c]) => `<rect x="${x}" y="${y}" width="${w}" height="22" rx="6" fill="${c}"/>`).join('\n  ')}
</svg>`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 256, height: 256 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const png = await page.locator('svg').screenshot({ omitBackground: true });
  writeFileSync('media/icon.png', png);
  writeFileSync('media/icon.svg', svg + '\n');
  console.log(`media/icon.png ${png.length} bytes`);
} finally {
  await browser.close();
}
