package dev.shardline.routing;

import java.time.Clock;
import java.time.Duration;

/**
 * The routing knobs that come from configuration: missing keys, replica freshness, fallbacks
 * and read-your-writes.
 *
 * @param failOnMissingKey a null key fails (else: default shard)
 * @param transactionalReadOnly read-only transactions count as {@code @ReadOnly}
 * @param maxLag replicas further behind serve no reads
 * @param failWithoutReplica a read no replica may serve fails (else: the primary serves it)
 * @param failReadsWhilePrimaryDown reads of a shard whose primary is down fail too
 * @param readYourWrites the read-your-writes mode
 * @param readYourWritesWindow session mode: longest primary stickiness after a write
 * @param gtidWait gtid mode: bounded wait for a replica to reach the write
 * @param clock the clock write times are taken from (the monitor's heartbeat clock)
 */
public record RoutingPolicy(boolean failOnMissingKey, boolean transactionalReadOnly, Duration maxLag,
		boolean failWithoutReplica, boolean failReadsWhilePrimaryDown, Mode readYourWrites,
		Duration readYourWritesWindow, Duration gtidWait, Clock clock) {

	/** Defaults: default shard for missing keys, 5 s max lag, primary fallback, no read-your-writes. */
	public static RoutingPolicy defaults() {
		return new RoutingPolicy(false, false, Duration.ofSeconds(5), false, false, Mode.NONE, Duration.ofSeconds(5),
				Duration.ofMillis(100), Clock.systemUTC());
	}

	/** Read-your-writes modes. */
	public enum Mode {

		/** Off. */
		NONE,

		/** By write time against the replica's applied heartbeat. */
		SESSION,

		/** By the write's GTID against the replica's position. */
		GTID

	}

}
