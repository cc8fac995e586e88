export const FINDINGS_DIR: string;
export const FINDINGS_APPS: string[];
export const VARIANTS: string[];
export function captureFindingsApp(app: string, outDir: string, opts?: { workRoot?: string }): Promise<void>;
