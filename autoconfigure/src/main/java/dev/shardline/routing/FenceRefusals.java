package dev.shardline.routing;

import java.sql.SQLException;

import dev.shardline.ShardMovingException;

/**
 * Turns a write refused by a shard's move fence (a trigger's SQLSTATE {@code 45000} whose
 * message starts with "Shardline:") into the retryable {@link ShardMovingException}, so an
 * application sees the same exception whether its own instance or the server refused the write.
 * Only consulted when routed work throws, never on the hot path.
 */
final class FenceRefusals {

	private static final String STATE = "45000";

	private static final String PREFIX = "Shardline:";

	private FenceRefusals() {
	}

	/**
	 * The exception to throw for one that routed work threw.
	 * @param ex what the work threw
	 * @param key the route's key (null for unkeyed work)
	 * @return a {@link ShardMovingException} for a fence refusal, else {@code ex} itself
	 */
	static Throwable translate(Throwable ex, Object key) {
		if (ex instanceof ShardMovingException) {
			return ex;
		}
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SQLException sql) {
				for (SQLException next = sql; next != null; next = next.getNextException()) {
					String message = next.getMessage();
					if (STATE.equals(next.getSQLState()) && message != null && message.startsWith(PREFIX)) {
						return new ShardMovingException(key, message, ex);
					}
				}
			}
		}
		return ex;
	}

}
