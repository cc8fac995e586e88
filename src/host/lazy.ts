// The extension host's heavy modules, loaded on first use with `await import('./lazy')` (relative to src/host).
// The build turns that import into `require('./extension-lazy.js')`, a second bundle, so that VS Code parses only
// the small main bundle at activation (budget: 100 ms). Import these modules only through here from host code
// that runs at activation.
export { OtlpReceiver, NonLoopbackBindError } from '../backends/receiver/receiver';
export { TraceStore } from '../backends/receiver/store';
export { prepareTraces } from '../worker/client';
export { BackendsController } from './backends/backendsController';
export { parseWebviewMessage } from '../protocol/messages';
export { parseAnalysisWebviewMessage, recipeFromState } from '../protocol/analysis';
export { TOOLS, parseToolArgs } from '../mcp/tools';
export { TraceSources } from '../mcp/sources';
export { parseTraceDocument } from '../core/parse/index';
export { serveHttp } from '../mcp/server';
export { SharedReceiver } from '../backends/receiver/shared';
export { loadHubSecret } from '../backends/receiver/hub';
export { FleetService } from './fleet/fleetService';
export { createMetricSource } from '../backends/metrics';
