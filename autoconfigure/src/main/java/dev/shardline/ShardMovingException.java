package dev.shardline;

/**
 * Thrown, before any statement runs, for work that would write a key while the key is being
 * moved to another shard. Retryable: retry after a short pause (the move takes about twice
 * {@code shardline.directory.cache-ttl} plus the copy); reads marked {@code @ReadOnly} keep
 * working during the move.
 */
public class ShardMovingException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	public ShardMovingException(Object key, String from, String to) {
		super("Key '" + key + "' is being moved from shard '" + from + "' to shard '" + to
				+ "': writes to it are paused until the move completes. Retry shortly; @ReadOnly reads keep working.");
	}

}
