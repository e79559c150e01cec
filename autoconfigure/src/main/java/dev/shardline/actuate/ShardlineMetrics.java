package dev.shardline.actuate;

import dev.shardline.routing.RouteReason;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Shardline's own meters: {@code shardline.replication.lag} (gauge, seconds, tags shard and
 * node; NaN while unknown) for every node that can serve reads, and {@code shardline.routing}
 * (counter, tags shard, role, reason) for every combination, so dashboards see zeros rather
 * than gaps. Pools get Hikari's own {@code hikaricp.*} meters through their metrics tracker.
 */
public final class ShardlineMetrics implements MeterBinder {

	private final Topology topology;

	private final RoutingStatistics statistics;

	/**
	 * Creates the binder.
	 * @param topology the shards and nodes
	 * @param statistics routing counters
	 */
	public ShardlineMetrics(Topology topology, RoutingStatistics statistics) {
		this.topology = topology;
		this.statistics = statistics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (Shard shard : this.topology.shards()) {
			for (ShardNode node : shard.nodes()) {
				Gauge.builder("shardline.replication.lag", node, ShardlineMetrics::lagSeconds)
					.description("Replication lag of the node behind its shard's primary; NaN when unknown")
					.baseUnit("seconds")
					.tag("shard", shard.name())
					.tag("node", node.name())
					.register(registry);
			}
			for (boolean primary : new boolean[] { true, false }) {
				for (RouteReason reason : RouteReason.values()) {
					FunctionCounter
						.builder("shardline.routing", this.statistics,
								(stats) -> stats.count(shard.name(), primary, reason))
						.description("Connections routed, by shard, role of the node and reason")
						.tag("shard", shard.name())
						.tag("role", primary ? "primary" : "replica")
						.tag("reason", reason.tag())
						.register(registry);
				}
			}
		}
	}

	private static double lagSeconds(ShardNode node) {
		long lag = node.health().lagNanos();
		return (lag >= 0) ? lag / 1e9 : Double.NaN;
	}

}
