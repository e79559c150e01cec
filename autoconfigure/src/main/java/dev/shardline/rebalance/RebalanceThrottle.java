package dev.shardline.rebalance;

import java.time.Duration;

import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;

/**
 * Whether a batch between two shards should wait: while the current primary of either is down
 * (or ejected), or while a replica of either lags more than {@code lag-throttle-fraction} of
 * {@code max-lag}, as the replication monitor last measured it.
 *
 * <p>Replicas that are down or ejected do not hold a rebalance up: they serve no reads, and a
 * replica that never returns would stop the rebalance for good (it catches up, and is watched
 * again, when it returns). A reachable replica whose lag is unknown (not measured yet, or its
 * replication stopped) counts as lagging: whether it keeps up with the copies cannot be seen.
 * Drained replicas still count: they replicate and come back into service.
 */
public final class RebalanceThrottle {

	private final Topology topology;

	private final long thresholdNanos;

	/**
	 * Creates the throttle.
	 * @param topology the shards and nodes (their health, kept by the replication monitor)
	 * @param maxLag {@code shardline.replication.max-lag}
	 * @param fraction the share of it a replica may lag before batches wait
	 */
	public RebalanceThrottle(Topology topology, Duration maxLag, double fraction) {
		this.topology = topology;
		this.thresholdNanos = (long) (maxLag.toNanos() * fraction);
	}

	/** The lag above which batches wait. */
	public Duration threshold() {
		return Duration.ofNanos(this.thresholdNanos);
	}

	/**
	 * Why a batch between two shards should wait now.
	 * @param from the source shard
	 * @param to the target shard
	 * @return the reason, or null when it may run
	 */
	public String reason(String from, String to) {
		for (String name : new String[] { from, to }) {
			Shard shard = this.topology.shard(name);
			if (shard == null) {
				continue;
			}
			ShardNode primary = shard.currentPrimary();
			NodeHealth.State primaryState = primary.health().state();
			if (primaryState == NodeHealth.State.DOWN || primaryState == NodeHealth.State.EJECTED) {
				return "the primary of " + name + " (" + primary.name() + ") is " + primaryState.tag();
			}
			for (ShardNode node : shard.nodes()) {
				if (node == primary) {
					continue;
				}
				NodeHealth health = node.health();
				NodeHealth.State state = health.state();
				if (state == NodeHealth.State.DOWN || state == NodeHealth.State.EJECTED) {
					continue;
				}
				long lag = health.lagNanos();
				if (lag == NodeHealth.UNKNOWN_LAG) {
					return "the lag of replica " + node.name() + " of " + name + " is unknown";
				}
				if (lag > this.thresholdNanos) {
					return "replica " + node.name() + " of " + name + " lags " + lag / 1_000_000 + " ms (more than "
							+ this.thresholdNanos / 1_000_000 + " ms)";
				}
			}
		}
		return null;
	}

}
