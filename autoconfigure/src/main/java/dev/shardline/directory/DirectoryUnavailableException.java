package dev.shardline.directory;

import dev.shardline.ShardlineException;

/**
 * Thrown, fast, when the directory is needed and cannot answer: a change of an entry (first-write
 * assignment, pin, move) while the directory's primary is unreachable, or a look-up of a key
 * that is not cached while neither the primary nor an up-to-date replica of the directory's
 * shard answers. Retryable once the directory's shard recovers.
 */
public class DirectoryUnavailableException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	public DirectoryUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
