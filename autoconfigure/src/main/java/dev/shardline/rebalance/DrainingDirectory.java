package dev.shardline.rebalance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.shardline.ring.HashRing;
import dev.shardline.routing.KeyDirectory;

/**
 * Keeps new keys off shards being drained ({@code shardline.rebalance.draining}): in front of the
 * directory, it replaces the strategy's choice for a key's first-write assignment by the key's
 * owner in the ring without the draining shards, when the strategy would pick a draining shard.
 * Keys that have an entry route by it as before, and keys without one that are only read still
 * route by the strategy (their rows, if any, are where the strategy placed them), so nothing
 * moves by itself; a {@code remove} plan moves the drained shard's keys.
 */
public final class DrainingDirectory implements KeyDirectory {

	private final KeyDirectory directory;

	private final Set<String> draining;

	private final HashRing withoutDraining;

	/**
	 * Creates the wrapper.
	 * @param directory the directory
	 * @param weights the ring's shard weights
	 * @param virtualNodes the ring's virtual nodes per weight
	 * @param draining the shards to keep new keys off (not all of them)
	 */
	public DrainingDirectory(KeyDirectory directory, Map<String, Integer> weights, int virtualNodes,
			Set<String> draining) {
		this.directory = directory;
		this.draining = Set.copyOf(draining);
		Map<String, Integer> remaining = new LinkedHashMap<>(weights);
		remaining.keySet().removeAll(draining);
		this.withoutDraining = new HashRing(remaining, virtualNodes);
	}

	@Override
	public String shardFor(Object key, boolean write, String strategyShard) {
		String choice = this.draining.contains(strategyShard) ? this.withoutDraining.shardFor(key) : strategyShard;
		return this.directory.shardFor(key, write, choice);
	}

	@Override
	public boolean readsOnPrimary(Object key) {
		return this.directory.readsOnPrimary(key);
	}

}
