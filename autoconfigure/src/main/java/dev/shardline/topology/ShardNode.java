package dev.shardline.topology;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * One database node: a shard's primary or one of its replicas, with its own HikariCP pool.
 * The pool name ({@code shardline-<shard>-primary}, {@code shardline-<shard>-replica-<i>})
 * follows the configuration and never changes.
 */
public final class ShardNode {

	private final String shard;

	private final NodeRole role;

	private final int replicaIndex;

	private final String group;

	private final int weight;

	private final String url;

	private final HikariDataSource pool;

	private final NodeHealth health;

	ShardNode(String shard, NodeRole role, int replicaIndex, String group, int weight, String url,
			HikariDataSource pool) {
		this.shard = shard;
		this.role = role;
		this.replicaIndex = replicaIndex;
		this.group = group;
		this.weight = weight;
		this.url = url;
		this.pool = pool;
		// Replicas serve no reads until their lag is known; primaries are assumed up until a
		// probe or a request says otherwise.
		this.health = new NodeHealth((role == NodeRole.PRIMARY) ? NodeHealth.State.UP : NodeHealth.State.UNKNOWN);
	}

	/** Pool name for a node, as it appears in metrics. */
	static String poolName(String shard, NodeRole role, int replicaIndex) {
		return (role == NodeRole.PRIMARY) ? "shardline-" + shard + "-primary"
				: "shardline-" + shard + "-replica-" + replicaIndex;
	}

	/** The shard this node belongs to. */
	public String shard() {
		return this.shard;
	}

	/** The configured role. */
	public NodeRole role() {
		return this.role;
	}

	/** Position in the shard's {@code replicas} list; -1 for the primary. */
	public int replicaIndex() {
		return this.replicaIndex;
	}

	/** Replica group; {@code null} for the primary. */
	public String group() {
		return this.group;
	}

	/** Share of the group's reads (replicas); 0 for the primary. */
	public int weight() {
		return this.weight;
	}

	/** The node's JDBC URL without credentials. */
	public String url() {
		return this.url;
	}

	/** The pool name, which is also this node's name. */
	public String name() {
		return this.pool.getPoolName();
	}

	/** The node's connection pool. */
	public DataSource dataSource() {
		return this.pool;
	}

	/** The node's pool, for pool figures. */
	public HikariDataSource pool() {
		return this.pool;
	}

	/** What is known about the node's health and lag. */
	public NodeHealth health() {
		return this.health;
	}

	@Override
	public String toString() {
		return name() + "[" + this.url + "]";
	}

}
