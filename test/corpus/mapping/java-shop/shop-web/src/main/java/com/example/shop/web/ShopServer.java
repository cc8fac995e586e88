package com.example.shop.web;

import com.example.shop.OrderRepository;
import com.example.shop.OrderService;
import com.example.shop.PaymentClient;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;

/** The shop's HTTP front: JDK HttpServer, one handler per resource. Prints its port so a driver can call it. */
public final class ShopServer {
    private ShopServer() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        OrderService orders = new OrderService(new OrderRepository("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1"), new PaymentClient(base));
        server.createContext("/orders", new OrdersHandler(orders)); // @span * | kind=server http.route=/orders
        server.createContext("/payments/authorize", new PaymentsHandler()); // @span * | kind=server http.route=/payments/authorize
        // More than one thread: placing an order calls /payments/authorize on this same server.
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
    }
}
