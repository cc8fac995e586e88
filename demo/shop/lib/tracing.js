// OpenTelemetry setup shared by the shop's services: the real NodeSDK, HTTP instrumentation (which propagates
// `traceparent` on every http call), and the OTLP/HTTP protobuf exporter. Must be required before `node:http`.
'use strict';

// The receiver listens on 127.0.0.1; `localhost` may resolve to ::1 first, so the default is spelled out.
if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT && !process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
}
process.env.OTEL_METRICS_EXPORTER ??= 'none';
process.env.OTEL_LOGS_EXPORTER ??= 'none';

const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
// OTLP/HTTP protobuf by default; OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json (the standard variable) sends JSON.
const protocol = process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
const { OTLPTraceExporter } = protocol === 'http/json'
  ? require('@opentelemetry/exporter-trace-otlp-http')
  : require('@opentelemetry/exporter-trace-otlp-proto');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const api = require('@opentelemetry/api');
const { CodeLocationSpanProcessor } = require('./code-location');

/**
 * Starts tracing for one service.
 * @param {string} serviceName
 * @param {{ codeAttributes: 'new' | 'old' }} options  which `code.*` attribute names the service records
 */
function startTracing(serviceName, { codeAttributes }) {
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      'service.namespace': 'demo-shop',
      'deployment.environment.name': 'local',
    }),
    // A short export delay so that a trace shows up in the editor within a second of the request.
    spanProcessors: [
      new CodeLocationSpanProcessor(codeAttributes),
      new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 200 }),
    ],
    instrumentations: [new HttpInstrumentation()],
  });
  sdk.start();
  const tracer = api.trace.getTracer(`demo-shop/${serviceName}`, '1.0.0');
  const shutdown = () => sdk.shutdown().catch(() => undefined);
  return { tracer, shutdown };
}

module.exports = { startTracing, api };
