package io.dblock.example.orders.service;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The nightly summary of the order book.
 *
 * @param node the thread (in production: the node) that produced it
 */
public record NightlyReport(
        Instant generatedAt, String node, long orders, long openOrders, long settlements, BigDecimal settledTotal) {}
