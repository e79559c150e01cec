package dev.shardline;

/**
 * Thrown, before any statement runs, for work that would write a key while a move of the key is
 * in its fenced final phase (catch-up, verification, flip). Retryable: retry after a short pause
 * (the phase lasts at most {@code shardline.directory.move-timeout}); reads keep working.
 */
public class ShardMovingException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	/**
	 * For a write the old owner's server refused (its move fence), after the key had moved.
	 * @param key the key, or null when the work was unkeyed
	 * @param serverMessage what the server said
	 * @param cause the refusal
	 */
	public ShardMovingException(Object key, String serverMessage, Throwable cause) {
		super("A write of key '" + key + "' reached a shard that no longer owns it (" + serverMessage
				+ "): nothing was stored. Retry: the key routes to its new owner once this instance has seen the move.",
				cause);
	}

	public ShardMovingException(Object key, String from, String to) {
		super("Key '" + key + "' is being moved from shard '" + from + "' to shard '" + to
				+ "': writes to it are paused until the move completes. Retry shortly; @ReadOnly reads keep working.");
	}

}
