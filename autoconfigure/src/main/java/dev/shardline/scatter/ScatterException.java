package dev.shardline.scatter;

import java.util.List;

import dev.shardline.ShardlineException;

/**
 * A scatter with {@link FailurePolicy#FAIL} in which at least one shard failed or timed out.
 * The message names each failed shard and its cause; the first failure's cause is the cause,
 * the others are suppressed exceptions.
 */
public class ScatterException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	private final transient List<ShardFailure> failures;

	private final List<String> cancelledShards;

	/**
	 * Creates an exception.
	 * @param shards the shards the work was sent to
	 * @param failures the shards that failed, at least one
	 * @param cancelledShards shards whose work was cancelled because another shard failed
	 */
	public ScatterException(List<String> shards, List<ShardFailure> failures, List<String> cancelledShards) {
		super(message(shards, failures, cancelledShards), failures.isEmpty() ? null : failures.get(0).cause());
		this.failures = List.copyOf(failures);
		this.cancelledShards = List.copyOf(cancelledShards);
		for (int i = 1; i < failures.size(); i++) {
			addSuppressed(failures.get(i).cause());
		}
	}

	private static String message(List<String> shards, List<ShardFailure> failures, List<String> cancelled) {
		StringBuilder message = new StringBuilder("Scatter over ").append(shards.size())
			.append((shards.size() == 1) ? " shard " : " shards ")
			.append(shards)
			.append(" failed on ")
			.append(failures.size());
		if (!cancelled.isEmpty()) {
			message.append(" (cancelled the unfinished work on ").append(cancelled).append(")");
		}
		message.append(": ");
		for (int i = 0; i < failures.size(); i++) {
			message.append((i > 0) ? "; " : "").append(failures.get(i).describe());
		}
		return message.toString();
	}

	/** The shards that failed or timed out, with their causes. */
	public List<ShardFailure> failures() {
		return this.failures;
	}

	/** The names of the shards that failed or timed out. */
	public List<String> failedShards() {
		return this.failures.stream().map(ShardFailure::shard).toList();
	}

	/** Shards whose work was cancelled, unfinished, once another shard had failed. */
	public List<String> cancelledShards() {
		return this.cancelledShards;
	}

}
