package com.example.shop;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** Orders in an in-memory H2 database, through plain JDBC (which the agent traces). */
public class OrderRepository {
    private final Connection connection;

    public OrderRepository(String url) throws SQLException {
        connection = DriverManager.getConnection(url);
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, sku VARCHAR(32), quantity INT)"); // @span CREATE TABLE shop.orders | kind=client
        }
    }

    public void save(Order order) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, sku, quantity) VALUES (?, ?, ?)")) { // @span INSERT shop.orders | kind=client
            insert.setLong(1, order.id());
            insert.setString(2, order.sku());
            insert.setInt(3, order.quantity());
            insert.executeUpdate();
        }
    }

    public Optional<Order> find(long id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT id, sku, quantity FROM orders WHERE id = ?")) { // @span SELECT shop.orders | kind=client
            query.setLong(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new Order(rows.getLong(1), rows.getString(2), rows.getInt(3))) : Optional.empty();
            }
        }
    }
}
