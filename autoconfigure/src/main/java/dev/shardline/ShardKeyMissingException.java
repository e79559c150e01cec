package dev.shardline;

/**
 * Thrown when work that needs a shard key has none and {@code shardline.routing.missing-key}
 * is {@code fail}.
 */
public class ShardKeyMissingException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	public ShardKeyMissingException(String where) {
		super("No shard key for " + where + ": the @ShardKey argument (or its expression) is null. Pass a key, "
				+ "or set shardline.routing.missing-key=default-shard to send unkeyed work to the default shard.");
	}

}
