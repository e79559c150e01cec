package dev.shardline;

/**
 * Thrown, before any statement runs, for work that would write a key while a move of the key is
 * in its fenced final phase (catch-up, verification, flip). Retryable: retry after a short pause
 * (the phase lasts at most {@code shardline.directory.move-timeout}); reads keep working.
 */
public class ShardMovingException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	public ShardMovingException(Object key, String from, String to) {
		super("Key '" + key + "' is being moved from shard '" + from + "' to shard '" + to
				+ "': writes to it are paused until the move completes. Retry shortly; @ReadOnly reads keep working.");
	}

}
