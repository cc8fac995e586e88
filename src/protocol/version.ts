// The protocol versions both sides put in `ready`/`init`, and limits both sides share (their own module so that
// light clients, like the test harness's stand-in host and the extension host at activation, need not load the
// zod schemas).
export const PROTOCOL_VERSION = 1;
/** The analysis webview's protocol (src/protocol/analysis.ts). */
export const ANALYSIS_PROTOCOL_VERSION = 1;
/** Most traces an analysis panel's recipe names; a larger set is cut to its first ones (keys are ~100 bytes each). */
export const MAX_RECIPE_TRACES = 100;
