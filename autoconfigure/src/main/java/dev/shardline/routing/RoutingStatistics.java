package dev.shardline.routing;

import java.util.concurrent.atomic.LongAdder;

import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;

/**
 * Counts routing decisions by shard, role of the chosen node and reason, without locks or
 * allocation (one striped counter per combination, created up front). Metrics and the
 * endpoint read from it.
 */
public final class RoutingStatistics implements RouteListener {

	private static final RouteReason[] REASONS = RouteReason.values();

	private final Topology topology;

	/** [shard index][0 primary, 1 replica][reason ordinal]. */
	private final LongAdder[][][] counts;

	/**
	 * Creates counters for every shard of the topology.
	 * @param topology the shards
	 */
	public RoutingStatistics(Topology topology) {
		this.topology = topology;
		this.counts = new LongAdder[topology.shards().size()][2][REASONS.length];
		for (LongAdder[][] shard : this.counts) {
			for (LongAdder[] role : shard) {
				for (int i = 0; i < role.length; i++) {
					role[i] = new LongAdder();
				}
			}
		}
	}

	@Override
	public void routed(ShardNode node, RouteReason reason) {
		Shard shard = this.topology.shard(node.shard());
		this.counts[shard.index()][(node == shard.currentPrimary()) ? 0 : 1][reason.ordinal()].increment();
	}

	/**
	 * How many connections were routed so.
	 * @param shard the shard's name
	 * @param primary whether to the shard's (current) primary, else a replica
	 * @param reason why
	 * @return the count since startup
	 */
	public long count(String shard, boolean primary, RouteReason reason) {
		Shard found = this.topology.shard(shard);
		return (found != null) ? this.counts[found.index()][primary ? 0 : 1][reason.ordinal()].sum() : 0;
	}

}
