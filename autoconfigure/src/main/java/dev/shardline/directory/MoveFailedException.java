package dev.shardline.directory;

import dev.shardline.ShardlineException;

/**
 * Thrown when a key move failed. The message says whether it was rolled back (the key is
 * writable on its source again) or its rollback is pending (any instance finishes it once the
 * directory and the source answer), and why it failed.
 */
public class MoveFailedException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	public MoveFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
