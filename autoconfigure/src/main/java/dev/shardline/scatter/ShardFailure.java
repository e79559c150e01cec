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
		String message = this.cause.getMessage();
		return this.shard + " failed: " + this.cause.getClass().getSimpleName()
				+ ((message != null) ? ": " + message : "");
	}

	@Override
	public String toString() {
		return describe();
	}

}
