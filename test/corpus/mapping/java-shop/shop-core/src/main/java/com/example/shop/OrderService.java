package com.example.shop;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The order use cases; each public step is a span through the agent's @WithSpan support. */
public class OrderService {
    private static final Tracer TRACER = GlobalOpenTelemetry.getTracer("com.example.shop");

    private final OrderRepository repository;
    private final PaymentClient payments;
    private final Audit audit = new Audit();
    private final AtomicLong ids = new AtomicLong(100);

    public OrderService(OrderRepository repository, PaymentClient payments) {
        this.repository = repository;
        this.payments = payments;
    }

    @WithSpan
    public Order placeOrder(Order order) throws Exception { // @span OrderService.placeOrder | !quantity
        repository.save(order);
        audit.record(order);
        if (!payments.authorize(order)) {
            throw new IllegalStateException("payment refused for order " + order.id());
        }
        return order;
    }

    // An overload: same span name and code.function; only the parameter list differs.
    @WithSpan
    public Order placeOrder(String sku, @SpanAttribute("quantity") int quantity) throws Exception { // @span OrderService.placeOrder | +quantity
        return placeOrder(new Order(ids.incrementAndGet(), sku, quantity));
    }

    @WithSpan
    public Optional<Order> findOrder(long id) throws Exception { // @span OrderService.findOrder
        return repository.find(id);
    }

    @WithSpan("charge card")
    public void chargeCard(Order order) { // @span charge card
        if (order.quantity() > 10) {
            throw new IllegalStateException("card declined for order " + order.id());
        }
    }

    /** Reserves stock for several orders; each reservation is a manual span started inside a lambda. */
    public void reserveAll(List<Order> orders) {
        orders.forEach(order -> {
            Span span = TRACER.spanBuilder("reserve stock").startSpan(); // @span reserve stock
            try {
                span.setAttribute("shop.sku", order.sku());
            } finally {
                span.end();
            }
        });
        Runnable restock = new Runnable() {
            @WithSpan
            @Override
            public void run() { // @span OrderService$1.run
                // An anonymous class: the agent names it OrderService$1.
            }
        };
        restock.run();
    }

    /** A nested class: the agent reports it as OrderService$Audit. */
    public static final class Audit {
        @WithSpan
        public void record(Order order) { // @span Audit.record
            System.out.println("audit: order " + order.id());
        }
    }
}
