package dev.shardline.sample;

import java.time.Instant;

/**
 * An order of a customer; lives on the customer's shard.
 *
 * @param id order id (unique per shard)
 * @param customerId the owning customer, the shard key
 * @param amountCents the amount in cents
 * @param createdAt when it was placed
 */
public record Order(long id, long customerId, long amountCents, Instant createdAt) {
}
