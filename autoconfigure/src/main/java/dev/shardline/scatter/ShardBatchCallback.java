package dev.shardline.scatter;

import java.util.List;

/**
 * One shard's batch of a {@link ShardTemplate#forKeys keyed scatter}: the keys that shard
 * owns. Runs on an executor thread, routed to the shard.
 *
 * @param <K> the key type
 * @param <T> the shard's result type
 */
@FunctionalInterface
public interface ShardBatchCallback<K, T> {

	/**
	 * Does the shard's batch.
	 * @param shard the shard's name
	 * @param keys the keys the shard owns, in the order given (never empty)
	 * @return the shard's result
	 * @throws Exception reported as the shard's failure
	 */
	T doInShard(String shard, List<K> keys) throws Exception;

}
