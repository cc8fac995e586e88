package com.example.findings;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small shop on the JDK HttpServer, traced by the OpenTelemetry Java agent (HTTP server and client, JDBC on H2),
 * with one endpoint per planted performance problem; FINDINGS_VARIANT=clean serves them without the problems.
 */
public final class Shop {
    private static final boolean PLANTED = !"clean".equals(System.getenv("FINDINGS_VARIANT"));
    private static final String DB = "jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Tracer TRACER = GlobalOpenTelemetry.getTracer("java-shop");
    /** The stock row's lock: the planted contention holds it while a request wants it. */
    private static final ReentrantLock STOCK_LOCK = new ReentrantLock();
    private static final Map<String, Integer> FLAKY = new ConcurrentHashMap<>();
    private static String base;

    private Shop() {
    }

    interface Handler {
        String handle(HttpExchange ex) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), price DOUBLE)");
            for (int i = 1; i <= 8; i++) s.execute("INSERT INTO items VALUES (" + i + ", 'item " + i + "', " + i * 1.5 + ")");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        route(server, "/n1", ex -> n1());
        route(server, "/fanout", ex -> fanout());
        route(server, "/locked", ex -> locked());
        route(server, "/retry", ex -> retry(ex.getRequestURI().getQuery()));
        route(server, "/pool", ex -> pool());
        route(server, "/svc/", ex -> { Thread.sleep(30); return "ok"; });
        route(server, "/work/", ex -> { Thread.sleep(30); return "ok"; });
        route(server, "/flaky", ex -> {
            int n = FLAKY.merge(ex.getRequestURI().getQuery(), 1, Integer::sum) - 1;
            Thread.sleep(5);
            if (PLANTED && n < 2) throw new IllegalStateException("dependency overloaded");
            return "ok";
        });
        server.setExecutor(Executors.newFixedThreadPool(24));
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
    }

    private static void route(HttpServer server, String path, Handler h) {
        server.createContext(path, ex -> {
            int code = 200;
            String body;
            try {
                body = h.handle(ex);
            } catch (Exception e) {
                code = 503;
                body = e.getMessage();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
    }

    private static int get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).GET().build();
        return CLIENT.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** N+1: one query per item (planted) or one query for all of them (clean). */
    private static String n1() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(DB); Statement s = c.createStatement()) {
            if (PLANTED) {
                for (int id = 1; id <= 8; id++) {
                    try (ResultSet r = s.executeQuery("SELECT name, price FROM items WHERE id = " + id)) {
                        if (r.next()) names.add(r.getString(1));
                    }
                }
            } else {
                try (ResultSet r = s.executeQuery("SELECT name, price FROM items WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8)")) {
                    while (r.next()) names.add(r.getString(1));
                }
            }
        }
        return String.join(",", names);
    }

    /** Sequential fan-out: four independent services one after another (planted) or together (clean). */
    private static String fanout() throws Exception {
        String[] names = {"price", "stock", "tax", "shipping"};
        if (PLANTED) {
            for (String n : names) get("/svc/" + n);
        } else {
            ExecutorService ex = Executors.newFixedThreadPool(4);
            List<Future<Integer>> all = new ArrayList<>();
            for (String n : names) all.add(ex.submit(() -> get("/svc/" + n)));
            for (Future<Integer> f : all) f.get();
            ex.shutdown();
        }
        return "ok";
    }

    /** Lock contention: another transaction holds the stock row for 60 ms while this request updates it (planted). */
    private static String locked() throws Exception {
        if (PLANTED) {
            CountDownLatch held = new CountDownLatch(1);
            new Thread(() -> {
                STOCK_LOCK.lock();
                held.countDown();
                try {
                    Thread.sleep(60);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    STOCK_LOCK.unlock();
                }
            }).start();
            held.await();
        }
        Span span = TRACER.spanBuilder("UPDATE stock").setSpanKind(SpanKind.CLIENT)
            .setAttribute("db.system", "h2").setAttribute("db.statement", "UPDATE stock SET n = n - 1 WHERE item = 7").startSpan();
        // not made current: nothing runs under it, and the context storage would need opentelemetry-common
        try {
            if (!STOCK_LOCK.tryLock()) {
                span.addEvent("Waiting for lock behind 1 transaction", Attributes.of(AttributeKey.stringKey("db.lock"), "stock row 7"));
                STOCK_LOCK.lock();
                span.addEvent("lock acquired");
            }
            try {
                Thread.sleep(1);
            } finally {
                STOCK_LOCK.unlock();
            }
        } finally {
            span.end();
        }
        return "ok";
    }

    /** Retries with exponential backoff (20, 40 ms) against a dependency that fails twice (planted) or never. */
    private static String retry(String key) throws Exception {
        long delay = 20;
        for (int attempt = 0; attempt < 4; attempt++) {
            if (get("/flaky?" + key) == 200) break;
            Thread.sleep(delay);
            delay *= 2;
        }
        return "ok";
    }

    /** A worker pool: 9 calls, at most 3 at a time (planted) or all at once (clean). */
    private static String pool() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(PLANTED ? 3 : 9);
        List<Future<Integer>> all = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            int id = i;
            all.add(ex.submit(() -> get("/work/" + id)));
        }
        for (Future<Integer> f : all) f.get();
        ex.shutdown();
        return "ok";
    }
}
