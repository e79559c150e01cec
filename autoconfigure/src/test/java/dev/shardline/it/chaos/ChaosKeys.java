package dev.shardline.it.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.shardline.it.RoutedApplication;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyShard;

/**
 * The customers a chaos run writes: a fixed set on every shard (their shard never changes) and
 * one key that the run moves between shards.
 */
final class ChaosKeys {

	private final List<Long> stable = new ArrayList<>();

	private final Map<Long, String> shardOf = new HashMap<>();

	private final long moving;

	ChaosKeys(MySqlTopology topology, int perShard) {
		for (TopologyShard shard : topology.shards()) {
			for (long key : RoutedApplication.customersOn(topology, shard.name(), perShard, 900_000_000L)) {
				this.stable.add(key);
				this.shardOf.put(key, shard.name());
			}
		}
		this.moving = RoutedApplication.customersOn(topology, "shard-1", 1, 950_000_000L).get(0);
	}

	long randomStable() {
		return this.stable.get(ThreadLocalRandom.current().nextInt(this.stable.size()));
	}

	/** The shard of a stable key; null for the moving key. */
	String shardOf(long key) {
		return this.shardOf.get(key);
	}

	long moving() {
		return this.moving;
	}

}
