package dev.shardline;

/**
 * Thrown before any statement runs when work inside a transaction that is already bound to
 * one shard resolves to a different shard. A transaction never spans shards: split the work,
 * or run the second part in its own transaction ({@code REQUIRES_NEW}).
 */
public class CrossShardAccessException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	private final String boundShard;

	private final String requestedShard;

	public CrossShardAccessException(String boundShard, String requestedShard, Object key, String where) {
		super("Key '" + key + "' routes to shard '" + requestedShard + "' but the current transaction is bound to shard '"
				+ boundShard + "' (" + where + "). A transaction never spans shards: run the work for '"
				+ requestedShard + "' in its own transaction (e.g. Propagation.REQUIRES_NEW) or outside this one.");
		this.boundShard = boundShard;
		this.requestedShard = requestedShard;
	}

	/** The shard the current transaction is bound to. */
	public String getBoundShard() {
		return this.boundShard;
	}

	/** The shard the rejected key routes to. */
	public String getRequestedShard() {
		return this.requestedShard;
	}

}
