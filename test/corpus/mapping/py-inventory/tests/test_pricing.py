"""Checks the pricing spans by name, as an app's own tests would (python -m unittest)."""
import unittest

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)

from inventory import pricing  # noqa: E402  (after the provider, so its tracer records)


class QuoteTest(unittest.TestCase):
    def setUp(self) -> None:
        exporter.clear()

    def test_discount_from_three(self) -> None:
        self.assertEqual(pricing.quote({"price": 10.0}, 3), 32.4)
        names = [s.name for s in exporter.get_finished_spans()]
        self.assertEqual(names, ["price with tax", "apply discount"])

    def test_no_discount_below_three(self) -> None:
        self.assertEqual(pricing.quote({"price": 10.0}, 1), 12.0)
        span = [s for s in exporter.get_finished_spans() if s.name == "apply discount"][0]
        self.assertEqual(span.attributes["inventory.discount"], 0.0)


if __name__ == "__main__":
    unittest.main()
