package dev.shardline;

/**
 * Thrown, fast, when work needs a shard's primary and it is unreachable, hung, or not
 * unambiguous (two writable nodes). Other shards are unaffected; the shard recovers by
 * itself when its primary answers again.
 */
public class ShardUnavailableException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	private final String shard;

	public ShardUnavailableException(String shard, String message, Throwable cause) {
		super(message, cause);
		this.shard = shard;
	}

	/** The shard that cannot take the work. */
	public String getShard() {
		return this.shard;
	}

}
