export const CORPUS_DIR: string;
export const APP_NAMES: string[];
export function captureApp(app: string, outDir: string, opts?: { workRoot?: string }): Promise<void>;
export function writeExpected(app: string, dir: string): void;
