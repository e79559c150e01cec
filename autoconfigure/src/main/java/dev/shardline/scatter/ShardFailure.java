package dev.shardline.scatter;

/**
 * A shard whose part of a scatter failed or timed out.
 *
 * @param shard the shard's name
 * @param cause what the shard's work threw, or a {@link java.util.concurrent.TimeoutException}
 * when it did not finish in time
 * @param timedOut whether the shard timed out: its work was cancelled, or a statement hit its
 * query timeout
 */
public record ShardFailure(String shard, Throwable cause, boolean timedOut) {

	/**
	 * One line for messages: the shard and what happened.
	 * @return the description
	 */
	public String describe() {
		if (this.timedOut) {
			return this.shard + " timed out (" + this.cause.getMessage() + ")";
		}
		StringBuilder description = new StringBuilder(this.shard).append(" failed: ").append(summary(this.cause));
		Throwable root = this.cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = this.cause.getMessage();
		if (root != this.cause && (message == null || root.getMessage() == null || !message.contains(root.getMessage()))) {
			// Spring's data access exceptions no longer repeat the driver's message: show it.
			description.append(" (caused by ").append(summary(root)).append(")");
		}
		return description.toString();
	}

	private static String summary(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	@Override
	public String toString() {
		return describe();
	}

}
