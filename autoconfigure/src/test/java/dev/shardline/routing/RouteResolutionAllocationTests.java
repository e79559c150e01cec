package dev.shardline.routing;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.shardline.ring.HashRing;
import dev.shardline.strategy.RingShardingStrategy;
import dev.shardline.topology.NodeSpec;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.ShardSpec;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route resolution (key to shard, entering the route, choosing the node, leaving) allocates
 * nothing, measured with the JVM's per-thread allocation counter. No timing is asserted.
 */
class RouteResolutionAllocationTests {

	private final Topology topology = Topology.create(List.of(shard("shard-0"), shard("shard-1")), "shard-0", (c) -> {
	});

	private final ShardRouter router = new ShardRouter(this.topology,
			new RingShardingStrategy(new HashRing(Map.of("shard-0", 1, "shard-1", 1))), List.of(), false, false,
			RouteListener.NONE);

	private static ShardSpec shard(String name) {
		return new ShardSpec(name, 1, new NodeSpec("jdbc:h2:mem:alloc-" + name, "sa", null, Map.of("minimum-idle", "0"), 0, null),
				List.of(new NodeSpec("jdbc:h2:mem:alloc-" + name + "-r", "sa", null, Map.of("minimum-idle", "0"), 1,
						"default")));
	}

	@AfterEach
	void close() {
		this.topology.close();
	}

	@Test
	void resolvingARouteAllocatesNothing() {
		assertAllocationFree();
	}

	@Test
	void choosingAReplicaByItsPoolFiguresAllocatesNothing() throws java.sql.SQLException {
		// Started pools and up replicas: every read consults the replica's pool figures (busy or not).
		for (Shard shard : this.topology.shards()) {
			for (ShardNode replica : shard.replicas()) {
				replica.pool().getConnection().close();
				replica.health().state(dev.shardline.topology.NodeHealth.State.UP, null);
			}
		}
		Shard shard = this.topology.shards().get(0);
		this.router.enter(shard, true, "default", false, 1L, "allocation test");
		assertThat(this.router.select()).isSameAs(shard.replicas().get(0));
		this.router.exit();
		assertAllocationFree();
	}

	private void assertAllocationFree() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		Long[] keys = new Long[1024];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = (long) i * 7919;
		}
		long sink = 0;
		for (int round = 0; round < 3; round++) {
			sink += resolve(keys, 20_000);
		}
		// Any per-call allocation shows as at least 16 B x 100,000 = 1.6 MB in every round. The JVM
		// itself may put a few hundred bytes on this thread once (a deoptimisation, a lazily
		// linked path), so the best of five rounds must be exactly zero.
		long[] rounds = new long[5];
		long best = Long.MAX_VALUE;
		for (int round = 0; round < rounds.length && best != 0; round++) {
			long before = threads.getCurrentThreadAllocatedBytes();
			sink += resolve(keys, 100_000);
			rounds[round] = threads.getCurrentThreadAllocatedBytes() - before;
			best = Math.min(best, rounds[round]);
		}
		assertThat(sink).isPositive();
		assertThat(best).as("bytes allocated by 100,000 route resolutions, best of %s", Arrays.toString(rounds))
			.isZero();
	}

	private long resolve(Long[] keys, int count) {
		long sink = 0;
		for (int i = 0; i < count; i++) {
			Long key = keys[i & (keys.length - 1)];
			Shard shard = this.router.shardFor(key, "allocation test");
			this.router.enter(shard, (i & 1) == 0, "default", false, key, "allocation test");
			ShardNode node = this.router.select();
			ShardNode again = this.router.select();
			this.router.exit();
			sink += (node == again) ? node.name().length() : 0;
		}
		return sink;
	}

}
