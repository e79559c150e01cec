package dev.shardline.scatter;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The merged result of a scatter, with the shards it came from and, under
 * {@link FailurePolicy#PARTIAL}, the shards that failed. Immutable.
 *
 * @param <T> the merged value's type
 */
public final class ScatterResult<T> {

	private final T value;

	private final List<String> shards;

	private final List<ShardFailure> failures;

	private final long nanos;

	ScatterResult(T value, List<String> shards, List<ShardFailure> failures, long nanos) {
		this.value = value;
		this.shards = List.copyOf(shards);
		this.failures = List.copyOf(failures);
		this.nanos = nanos;
	}

	/**
	 * The value merged from the shards that answered ({@link #shards()}).
	 * @return the value
	 */
	public T value() {
		return this.value;
	}

	/** The shards whose results are in the value, in topology order. */
	public List<String> shards() {
		return this.shards;
	}

	/** The shards that failed or timed out, with their causes; empty when complete. */
	public List<ShardFailure> failures() {
		return this.failures;
	}

	/** The names of the shards that failed or timed out. */
	public List<String> failedShards() {
		return this.failures.stream().map(ShardFailure::shard).toList();
	}

	/** Whether every shard answered, so the value covers all of them. */
	public boolean isComplete() {
		return this.failures.isEmpty();
	}

	/** How long the scatter took, from submitting the first shard's work to merging. */
	public Duration elapsed() {
		return Duration.ofNanos(this.nanos);
	}

	/**
	 * Transforms the value (e.g. merges results by shard with a {@link ShardMerge} function),
	 * keeping the shards and failures.
	 * @param <R> the new value's type
	 * @param function the transformation
	 * @return a result with the transformed value
	 */
	public <R> ScatterResult<R> map(Function<? super T, ? extends R> function) {
		return new ScatterResult<>(function.apply(this.value), this.shards, this.failures, this.nanos);
	}

	@Override
	public String toString() {
		return "ScatterResult[shards=" + this.shards + ", failures=" + this.failures + ", value=" + this.value + "]";
	}

}
