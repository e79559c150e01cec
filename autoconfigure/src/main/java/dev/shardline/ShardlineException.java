package dev.shardline;

/**
 * Root of Shardline's exceptions. Messages name the key, the shard and what to do, and
 * never carry a password.
 */
public class ShardlineException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ShardlineException(String message) {
		super(message);
	}

	public ShardlineException(String message, Throwable cause) {
		super(message, cause);
	}

}
