package com.example.shop;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls the payment endpoint over HTTP with the JDK client (which the agent traces as a client span). */
public class PaymentClient {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;

    public PaymentClient(URI base) {
        this.base = base;
    }

    public boolean authorize(Order order) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/payments/authorize")) // @span POST | kind=client
                .POST(HttpRequest.BodyPublishers.ofString(order.sku() + ":" + order.quantity()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && response.body().equals("approved");
    }
}
