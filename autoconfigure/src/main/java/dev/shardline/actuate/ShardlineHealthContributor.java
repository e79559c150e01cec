package dev.shardline.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import dev.shardline.directory.DirectorySync;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code shardline} health contributor: one component per shard, one per node inside it.
 * A shard is DOWN when its current primary is; replica trouble shows in the replica's details
 * ({@code state}: down, lagging, ejected, unknown) while the shard stays UP. Built from the
 * monitor's state: a health call opens no connection.
 */
public final class ShardlineHealthContributor implements CompositeHealthContributor {

	private final Map<String, HealthContributor> shards = new LinkedHashMap<>();

	/**
	 * Creates the contributor.
	 * @param topology the shards
	 */
	public ShardlineHealthContributor(Topology topology) {
		this(topology, null, null);
	}

	/**
	 * Creates the contributor with a {@code directory} component (UP while the directory answers
	 * and this instance follows its change log; its details say how it is answering otherwise).
	 * @param topology the shards
	 * @param directory the directory, or null when it is off
	 * @param sync the directory's sync, or null
	 */
	public ShardlineHealthContributor(Topology topology, ShardDirectory directory, DirectorySync sync) {
		for (Shard shard : topology.shards()) {
			Map<String, HealthContributor> nodes = new LinkedHashMap<>();
			for (ShardNode node : shard.nodes()) {
				nodes.put(NodeDescriptions.key(node), (HealthIndicator) () -> health(shard, node));
			}
			this.shards.put(shard.name(), CompositeHealthContributor.fromMap(nodes));
		}
		if (directory != null) {
			String name = this.shards.containsKey("directory") ? "directory-table" : "directory";
			this.shards.put(name, (HealthIndicator) () -> {
				Map<String, Object> details = new LinkedHashMap<>(DirectoryDescriptions.describe(directory, sync, null, false));
				details.values().removeIf(java.util.Objects::isNull);
				return (DirectoryDescriptions.healthy(directory, sync) ? Health.up() : Health.down()).withDetails(details)
					.build();
			});
		}
	}

	private static Health health(Shard shard, ShardNode node) {
		Health.Builder builder;
		if (node == shard.currentPrimary()) {
			NodeHealth.State state = node.health().state();
			builder = (state == NodeHealth.State.DOWN || state == NodeHealth.State.EJECTED) ? Health.down() : Health.up();
		}
		else {
			// Replica problems are shown, not escalated: the shard serves while its primary does.
			builder = Health.up();
		}
		return builder.withDetails(NodeDescriptions.describe(shard, node)).build();
	}

	@Override
	public HealthContributor getContributor(String name) {
		return this.shards.get(name);
	}

	@Override
	public Stream<HealthContributors.Entry> stream() {
		return this.shards.entrySet().stream().map((e) -> new HealthContributors.Entry(e.getKey(), e.getValue()));
	}

}
