package dev.shardline.benchmarks;

import java.sql.SQLException;

import dev.shardline.ShardMovingException;

/** How a benchmark's write was refused because its key was moving (counted, never an error). */
public final class Refusals {

	private Refusals() {
	}

	/**
	 * Whether the router refused the write: the directory says the key is in a move's fenced phase.
	 * @param ex what the write threw
	 * @return whether a {@link ShardMovingException} is in its causes
	 */
	public static boolean byDirectory(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ShardMovingException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the source's fence trigger refused the write (SQLSTATE 45000, "Shardline: this key is moving ...").
	 * @param ex what the write threw
	 * @return whether such an {@link SQLException} is in its causes
	 */
	public static boolean byFence(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && "45000".equals(sql.getSQLState())
					&& String.valueOf(sql.getMessage()).contains("Shardline")) {
				return true;
			}
		}
		return false;
	}

}
