"""OpenTelemetry setup: the OTLP/HTTP exporter (endpoint from OTEL_EXPORTER_OTLP_ENDPOINT) and the instrumentations."""
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


def setup() -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": "inventory"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=200))
    trace.set_tracer_provider(provider)
    # Before any sqlite3.connect: the instrumentation wraps the connect function.
    SQLite3Instrumentor().instrument()
    return provider


def instrument(app) -> None:
    FlaskInstrumentor().instrument_app(app)
