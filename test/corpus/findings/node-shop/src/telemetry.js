// Loaded with --require before the app, so the instrumentations hook `http` and `express` before they are required.
// The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT.
'use strict';
const { NodeSDK, tracing } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');

const sdk = new NodeSDK({
  serviceName: 'node-shop',
  spanProcessors: [new tracing.BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 200 })],
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
});
sdk.start();

process.once('SIGTERM', () => {
  sdk.shutdown().finally(() => process.exit(0));
});
