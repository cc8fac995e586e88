package com.example.shop.web;

import com.example.shop.Order;
import com.example.shop.OrderService;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** /orders: POST places an order, GET /orders/{id} reads one, POST /orders/{id}/charge charges it. */
final class OrdersHandler implements HttpHandler {
    private final OrderService orders;

    OrdersHandler(OrderService orders) {
        this.orders = orders;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        try {
            if (exchange.getRequestMethod().equals("POST") && parts.length == 2) {
                String[] form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split(":");
                Order order = orders.placeOrder(form[0], Integer.parseInt(form[1]));
                orders.reserveAll(List.of(order));
                reply(exchange, 201, "order " + order.id());
            } else if (exchange.getRequestMethod().equals("GET") && parts.length == 3) {
                Optional<Order> order = orders.findOrder(Long.parseLong(parts[2]));
                reply(exchange, order.isPresent() ? 200 : 404, order.map(Order::toString).orElse("no such order"));
            } else if (exchange.getRequestMethod().equals("POST") && parts.length == 4 && parts[3].equals("charge")) {
                long id = Long.parseLong(parts[2]);
                orders.chargeCard(orders.findOrder(id).orElseThrow());
                reply(exchange, 200, "charged");
            } else {
                reply(exchange, 404, "not found");
            }
        } catch (IllegalStateException e) {
            reply(exchange, 402, e.getMessage());
        } catch (Exception e) {
            reply(exchange, 500, e.toString());
        }
    }

    static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
