// Types of scripts/readme-settings.mjs for the TypeScript tests.
export const SETTINGS_MARKER: string;
export const COMMANDS_MARKER: string;
export function settingsOf(pkg: unknown): { section: string; key: string; p: Record<string, unknown> }[];
export function settingsTable(pkg: unknown): string;
export function commandsTable(pkg: unknown): string;
export function updateReadme(readme: string, pkg: unknown): string;
