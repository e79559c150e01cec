package dev.shardline.routing;

/**
 * Per-key shard assignments that override the sharding strategy (routing rule 1). Consulted
 * on every keyed call when the directory is enabled, so implementations cache.
 */
public interface KeyDirectory {

	/**
	 * The shard a key is assigned to.
	 * @param key the (converted) key
	 * @param write whether the work may write (writes to a key being moved are refused)
	 * @param strategyShard the strategy's choice, recorded for new keys when the directory
	 * assigns on first write
	 * @return the assigned shard's name, or null when the key has no entry
	 * @throws dev.shardline.ShardMovingException for a write to a key being moved
	 */
	String shardFor(Object key, boolean write, String strategyShard);

	/**
	 * Whether {@code @ReadOnly} reads of a key must use its shard's primary for now (a key that
	 * has just moved, until the new owner's replicas have the copy). Called after
	 * {@link #shardFor} for read-only routes, so it may answer from the cache only.
	 * @param key the (converted) key
	 * @return true to read from the primary
	 */
	default boolean readsOnPrimary(Object key) {
		return false;
	}

}
