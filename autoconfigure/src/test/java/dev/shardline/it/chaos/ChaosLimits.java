package dev.shardline.it.chaos;

import java.time.Duration;

/**
 * The bounds a chaos run is judged by, derived from the configuration the instances run with.
 *
 * @param maxLag {@code shardline.replication.max-lag}
 * @param checkInterval {@code shardline.replication.check-interval}
 * @param connectTimeout {@code shardline.replication.connect-timeout}
 * @param healBound how soon a healed node must serve again
 * @param readAvailability the share of a shard's reads that must succeed during a replica fault
 */
record ChaosLimits(Duration maxLag, Duration checkInterval, Duration connectTimeout, Duration healBound,
		double readAvailability) {

	/**
	 * The oldest data a replica read may return: max-lag, plus the two check intervals README
	 * allows a replica that falls behind before it stops serving.
	 */
	Duration staleBound() {
		return this.maxLag.plus(this.checkInterval.multipliedBy(2));
	}

	/** How long a failed write (or a write to a healthy shard) may take: connect-timeout + 1 s. */
	Duration failBound() {
		return this.connectTimeout.plusSeconds(1);
	}

}
