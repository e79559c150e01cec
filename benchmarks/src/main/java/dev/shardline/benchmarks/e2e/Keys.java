package dev.shardline.benchmarks.e2e;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.shardline.ring.HashRing;

/**
 * The seeded keys and their shards, computed with the ring Shardline uses for these two
 * shards, so the baseline routes exactly as Shardline does.
 */
final class Keys {

	static final List<String> SHARDS = List.of("shard-0", "shard-1");

	/** Every seeded key, 1..{@link Workload#SEED_ROWS}. */
	final long[] all;

	/** The shard index of each key in {@link #all}. */
	final int[] shardOfAll;

	/** The seeded keys owned by shard-0. */
	final long[] shard0;

	private Keys(long[] all, int[] shardOfAll, long[] shard0) {
		this.all = all;
		this.shardOfAll = shardOfAll;
		this.shard0 = shard0;
	}

	static HashRing ring() {
		return new HashRing(Map.of("shard-0", 1, "shard-1", 1));
	}

	static Keys compute() {
		HashRing ring = ring();
		long[] all = new long[Workload.SEED_ROWS];
		int[] shardOf = new int[all.length];
		long[] shard0 = new long[all.length];
		int inShard0 = 0;
		for (int i = 0; i < all.length; i++) {
			all[i] = i + 1;
			shardOf[i] = SHARDS.indexOf(ring.shardFor(all[i]));
			if (shardOf[i] == 0) {
				shard0[inShard0++] = all[i];
			}
		}
		return new Keys(all, shardOf, Arrays.copyOf(shard0, inShard0));
	}

}
