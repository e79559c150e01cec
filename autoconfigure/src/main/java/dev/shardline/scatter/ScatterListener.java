package dev.shardline.scatter;

/**
 * Told of every scatter a {@link ShardTemplate} completes (e.g. to time them). Called on the
 * calling thread; must be quick and not throw.
 */
@FunctionalInterface
public interface ScatterListener {

	/** A listener that does nothing. */
	ScatterListener NONE = (shards, nanos, failed) -> {
	};

	/**
	 * A scatter completed.
	 * @param shards the number of shards the work was sent to
	 * @param nanos how long the whole call took
	 * @param failed whether at least one shard failed or timed out (whatever the policy)
	 */
	void completed(int shards, long nanos, boolean failed);

}
