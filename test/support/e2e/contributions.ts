// What package.json contributes, as the palette and the side bar show it: E2E tests find commands by their
// palette titles and views by their names here, so a renamed title breaks one place.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths';

interface Manifest {
  contributes?: {
    commands?: { command: string; title: string; category?: string }[];
    views?: Record<string, { id: string; name: string; type?: string }[]>;
    viewsContainers?: Record<string, { id: string; title: string }[]>;
    configuration?: { properties?: Record<string, unknown> } | { properties?: Record<string, unknown> }[];
  };
}

const manifest = (): Manifest => JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as Manifest;

/** "Category: Title" as the command palette lists it, or undefined when the command is not contributed. */
export function commandTitle(id: string): string | undefined {
  const c = manifest().contributes?.commands?.find(x => x.command === id);
  return c ? `${c.category ? `${c.category}: ` : ''}${c.title}` : undefined;
}

export interface ContributedView { id: string; name: string; container: string; containerTitle: string }

/** The contributed view whose id or name matches, with the title of the container it sits in. */
export function findView(match: RegExp): ContributedView | undefined {
  const c = manifest().contributes;
  for (const [container, views] of Object.entries(c?.views ?? {})) {
    const view = views.find(v => match.test(v.id) || match.test(v.name));
    if (!view) continue;
    const containers = Object.values(c?.viewsContainers ?? {}).flat();
    const containerTitle = containers.find(x => x.id === container)?.title ?? container;
    return { id: view.id, name: view.name, container, containerTitle };
  }
  return undefined;
}

/** Palette title of the command VS Code generates to focus a view. */
export function focusViewCommand(view: ContributedView): string {
  return `${view.containerTitle}: Focus on ${view.name} View`;
}

export function settingContributed(key: string): boolean {
  const conf = manifest().contributes?.configuration;
  const sections = Array.isArray(conf) ? conf : conf ? [conf] : [];
  return sections.some(s => s.properties !== undefined && key in s.properties);
}
