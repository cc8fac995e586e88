"""Prices with tax and discounts; manual spans, one as a decorator and one as a context manager."""
from opentelemetry import trace

tracer = trace.get_tracer("inventory.pricing")

TAX_RATE = 0.2


@tracer.start_as_current_span("price with tax")  # @span price with tax
def price_with_tax(price: float) -> float:  # @span price with tax
    return round(price * (1 + TAX_RATE), 2)


def quote(item: dict, count: int) -> float:
    with tracer.start_as_current_span("apply discount") as span:  # @span apply discount
        discount = 0.1 if count >= 3 else 0.0
        span.set_attribute("inventory.discount", discount)
        return round(price_with_tax(item["price"]) * count * (1 - discount), 2)
