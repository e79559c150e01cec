package dev.shardline;

/**
 * Thrown for a read-only route when no replica may serve it and
 * {@code shardline.replication.fallback} is {@code fail}.
 */
public class NoReplicaAvailableException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	public NoReplicaAvailableException(String shard, String group, String reason) {
		super("No replica of shard '" + shard + "' in group '" + group + "' may serve this read (" + reason
				+ "), and shardline.replication.fallback is 'fail'. Add replicas to the group, or set "
				+ "shardline.replication.fallback=primary to read from the primary instead.");
	}

}
