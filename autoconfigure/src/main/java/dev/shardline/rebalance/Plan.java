package dev.shardline.rebalance;

import java.time.Instant;

/**
 * A stored rebalance plan (its row in {@code <directory>_rebalance}).
 *
 * @param id its id
 * @param state its state
 * @param kind {@code add} or {@code remove}
 * @param description what it does, e.g. the ring it moves keys to
 * @param createdAt when it was planned
 * @param updatedAt when its state last changed
 * @param owner the instance running it, or null
 * @param leaseExpired whether the owner's lease has run out (by the database's clock)
 * @param lastError the last failure, or null
 * @param throttledMillis how long its batches waited for replicas or primaries in all
 */
public record Plan(long id, PlanState state, String kind, String description, Instant createdAt, Instant updatedAt,
		String owner, boolean leaseExpired, String lastError, long throttledMillis) {
}
