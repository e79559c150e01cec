package dev.shardline.strategy;

import dev.shardline.ring.HashRing;

/**
 * Places keys on the consistent-hash ring (the default strategy). Allocation-free for
 * integral and UUID keys.
 */
public final class RingShardingStrategy implements ShardingStrategy {

	private final HashRing ring;

	/**
	 * Creates the strategy.
	 * @param ring the ring
	 */
	public RingShardingStrategy(HashRing ring) {
		this.ring = ring;
	}

	@Override
	public String shardFor(Object key) {
		return this.ring.shardFor(key);
	}

	/** The ring, for shares and diagnostics. */
	public HashRing ring() {
		return this.ring;
	}

}
