package dev.shardline.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A shard: its configured primary and replicas, the node that currently takes writes (which
 * differs from the configured primary after a discovered promotion), and the replica groups
 * for weighted replica choice.
 */
public final class Shard {

	private final String name;

	private final int index;

	private final ShardNode primary;

	private final List<ShardNode> replicas;

	private final List<ShardNode> nodes;

	private final Map<String, ReplicaGroup> groups;

	private volatile ShardNode currentPrimary;

	private volatile String writeBlock;

	Shard(String name, int index, ShardNode primary, List<ShardNode> replicas) {
		this.name = name;
		this.index = index;
		this.primary = primary;
		this.currentPrimary = primary;
		this.replicas = List.copyOf(replicas);
		List<ShardNode> nodes = new ArrayList<>();
		nodes.add(primary);
		nodes.addAll(replicas);
		this.nodes = List.copyOf(nodes);
		Map<String, List<ShardNode>> byGroup = new LinkedHashMap<>();
		for (ShardNode replica : replicas) {
			byGroup.computeIfAbsent(replica.group(), (group) -> new ArrayList<>()).add(replica);
		}
		// A demoted primary (after a promotion) serves reads of the default group.
		byGroup.computeIfAbsent(dev.shardline.annotation.ReadOnly.DEFAULT_GROUP, (group) -> new ArrayList<>())
			.add(primary);
		Map<String, ReplicaGroup> groups = new LinkedHashMap<>();
		byGroup.forEach((group, members) -> groups.put(group, new ReplicaGroup(members)));
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

	/** Every node: the configured primary, then the replicas. */
	public List<ShardNode> nodes() {
		return this.nodes;
	}

	/** The node that takes writes now: the configured primary unless a promotion was discovered. */
	public ShardNode currentPrimary() {
		return this.currentPrimary;
	}

	/**
	 * Records which node takes writes (primary discovery).
	 * @param node the writable node
	 */
	public void currentPrimary(ShardNode node) {
		this.currentPrimary = node;
	}

	/** Why writes to this shard are refused (e.g. two writable nodes), or null. */
	public String writeBlock() {
		return this.writeBlock;
	}

	/**
	 * Refuses writes with a reason, or allows them again with null.
	 * @param reason why writes are refused
	 */
	public void writeBlock(String reason) {
		this.writeBlock = reason;
	}

	/**
	 * The nodes that may serve reads of a group (its replicas; in the default group also the
	 * configured primary, which serves reads only while another node is the current primary).
	 * @param group the group name
	 * @return the group, or null when no node is in it
	 */
	public ReplicaGroup group(String group) {
		return this.groups.get(group);
	}

	@Override
	public String toString() {
		return "Shard[" + this.name + "]";
	}

	/** Read candidates of one group, with weights, in a form that is read without allocating. */
	public static final class ReplicaGroup {

		private final ShardNode[] nodes;

		private final int[] weights;

		ReplicaGroup(List<ShardNode> nodes) {
			this.nodes = nodes.toArray(new ShardNode[0]);
			this.weights = new int[this.nodes.length];
			for (int i = 0; i < this.nodes.length; i++) {
				this.weights[i] = (this.nodes[i].role() == NodeRole.PRIMARY) ? 1 : this.nodes[i].weight();
			}
		}

		/** Number of candidates. */
		public int size() {
			return this.nodes.length;
		}

		/** The i-th candidate. */
		public ShardNode node(int i) {
			return this.nodes[i];
		}

		/** The i-th candidate's weight. */
		public int weight(int i) {
			return this.weights[i];
		}

	}

}
