package dev.shardline.strategy;

/**
 * Decides which shard owns a key. Shardline's own strategies are the consistent-hash ring
 * and key ranges; an application can replace them by declaring a bean of this type.
 * Implementations must be thread-safe and should not allocate: they run on every routed call.
 */
@FunctionalInterface
public interface ShardingStrategy {

	/**
	 * The shard that owns a key.
	 * @param key the (converted) shard key, never null
	 * @return the name of a configured shard
	 * @throws IllegalArgumentException when the key is of a type the strategy cannot place
	 */
	String shardFor(Object key);

}
