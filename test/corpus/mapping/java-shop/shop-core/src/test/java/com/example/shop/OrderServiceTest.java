package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Unit tests of OrderService, without the agent: same method names, another class. */
class OrderServiceTest {
    private final OrderService service;

    OrderServiceTest() throws Exception {
        service = new OrderService(new OrderRepository("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1"), new PaymentClient(URI.create("http://127.0.0.1:9")));
    }

    @Test
    void placeOrder() throws Exception {
        assertThrows(java.io.IOException.class, () -> service.placeOrder("BOOK-1", 2), "no payment server in unit tests");
    }

    @Test
    void findOrder() throws Exception {
        assertEquals(java.util.Optional.empty(), service.findOrder(404));
    }

    @Test
    void chargeCardDeclinesLargeOrders() {
        // "charge card" fails for more than ten items.
        assertThrows(IllegalStateException.class, () -> service.chargeCard(new Order(1, "BOOK-1", 11)));
    }
}
