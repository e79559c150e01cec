package dev.shardline.scatter;

/**
 * One shard's part of a scatter. Runs on an executor thread, routed to the shard, so plain
 * {@code JdbcTemplate}, {@code JdbcClient} or repository calls inside it go to that shard.
 *
 * @param <T> the shard's result type
 */
@FunctionalInterface
public interface ShardCallback<T> {

	/**
	 * Does the shard's work.
	 * @param shard the shard's name
	 * @return the shard's result
	 * @throws Exception reported as the shard's failure
	 */
	T doInShard(String shard) throws Exception;

}
