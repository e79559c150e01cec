package dev.shardline.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A shard: its primary and its replicas, grouped for weighted replica choice. Immutable.
 */
public final class Shard {

	private final String name;

	private final int index;

	private final ShardNode primary;

	private final List<ShardNode> replicas;

	private final Map<String, ReplicaGroup> groups;

	Shard(String name, int index, ShardNode primary, List<ShardNode> replicas) {
		this.name = name;
		this.index = index;
		this.primary = primary;
		this.replicas = List.copyOf(replicas);
		Map<String, List<ShardNode>> byGroup = new LinkedHashMap<>();
		for (ShardNode replica : replicas) {
			byGroup.computeIfAbsent(replica.group(), (group) -> new ArrayList<>()).add(replica);
		}
		Map<String, ReplicaGroup> groups = new LinkedHashMap<>();
		byGroup.forEach((group, nodes) -> groups.put(group, new ReplicaGroup(nodes)));
		this.groups = Map.copyOf(groups);
	}

	/** The shard's name, as configured. */
	public String name() {
		return this.name;
	}

	/** Position of the shard in declaration order. */
	public int index() {
		return this.index;
	}

	/** The configured primary. */
	public ShardNode primary() {
		return this.primary;
	}

	/** The configured replicas, in configuration order. */
	public List<ShardNode> replicas() {
		return this.replicas;
	}

	/**
	 * Picks a replica of the group by weight, allocation-free.
	 * @param group the replica group
	 * @return a replica, or null when the group has none
	 */
	public ShardNode pickReplica(String group) {
		ReplicaGroup replicaGroup = this.groups.get(group);
		return (replicaGroup != null) ? replicaGroup.pick() : null;
	}

	@Override
	public String toString() {
		return "Shard[" + this.name + "]";
	}

	/** Replicas of one group with cumulative weights for a weighted pick. */
	private static final class ReplicaGroup {

		private final ShardNode[] nodes;

		private final int[] cumulative;

		ReplicaGroup(List<ShardNode> nodes) {
			this.nodes = nodes.toArray(new ShardNode[0]);
			this.cumulative = new int[this.nodes.length];
			int total = 0;
			for (int i = 0; i < this.nodes.length; i++) {
				total += this.nodes[i].weight();
				this.cumulative[i] = total;
			}
		}

		ShardNode pick() {
			if (this.nodes.length == 1) {
				return this.nodes[0];
			}
			int point = ThreadLocalRandom.current().nextInt(this.cumulative[this.cumulative.length - 1]);
			for (int i = 0; i < this.cumulative.length; i++) {
				if (point < this.cumulative[i]) {
					return this.nodes[i];
				}
			}
			return this.nodes[this.nodes.length - 1];
		}

	}

}
