package com.example.shop;

/** One order line: a product and how many of it. */
public record Order(long id, String sku, int quantity) {
}
