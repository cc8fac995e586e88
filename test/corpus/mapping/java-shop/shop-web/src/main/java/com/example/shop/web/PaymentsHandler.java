package com.example.shop.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** /payments/authorize: a stand-in payment provider that approves small orders. */
final class PaymentsHandler implements HttpHandler {
    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String[] form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split(":");
        OrdersHandler.reply(exchange, 200, Integer.parseInt(form[1]) <= 10 ? "approved" : "declined");
    }
}
