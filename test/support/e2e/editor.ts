// What the editor shows, read from the workbench's DOM.
import type { Session } from './session';

/** Each CodeLens with the text of the editor line right under it (a lens sits in a view zone above its line). */
export async function lensesByLine(s: Session): Promise<{ line: string; lens: string }[]> {
  const found = await s.page.evaluate(() => {
    const lines = Array.from(document.querySelectorAll('.part.editor .view-lines .view-line'))
      .map(l => ({ top: l.getBoundingClientRect().top, text: (l as HTMLElement).innerText }));
    return Array.from(document.querySelectorAll('.part.editor .codelens-decoration')).map(el => {
      const bottom = el.getBoundingClientRect().bottom;
      const below = lines.filter(l => l.top >= bottom - 2).sort((a, b) => a.top - b.top)[0];
      return { line: below?.text ?? '', lens: (el as HTMLElement).innerText };
    });
  });
  return found.map(f => ({ line: f.line.replace(/\u00a0/g, ' '), lens: f.lens.replace(/\u00a0/g, ' ') }));
}

/** Every annotation text in the visible editor lines: injected text or ::before/::after content. */
export async function annotationTexts(s: Session): Promise<{ line: string; text: string }[]> {
  const found = await s.page.evaluate(() => {
    const out: { line: string; text: string }[] = [];
    for (const line of Array.from(document.querySelectorAll('.part.editor .view-lines .view-line'))) {
      for (const el of Array.from(line.querySelectorAll('span'))) {
        for (const pseudo of ['::after', '::before']) {
          const c = getComputedStyle(el, pseudo).content;
          if (c && c !== 'none' && c !== 'normal' && c.includes('·')) out.push({ line: (line as HTMLElement).innerText, text: c.replace(/^"|"$/g, '') });
        }
        const t = (el as HTMLElement).innerText;
        if (t.includes(' · ') && /\d+ (ms|µs|s) · /.test(t)) out.push({ line: (line as HTMLElement).innerText, text: t });
      }
    }
    return out;
  });
  // Editor lines render spaces as no-break spaces.
  return found.map(f => ({ line: f.line.replace(/\u00a0/g, ' '), text: f.text.replace(/\u00a0/g, ' ') }));
}
