package dev.shardline.id;

import dev.shardline.routing.ShardRouter;
import dev.shardline.topology.Shard;

/**
 * Mints IDs that carry their shard: {@code ids.nextOn("shard-1")}, or
 * {@code ids.nextFor(customerId)} for an ID on the shard that owns a key (so an order's ID
 * routes to its customer's shard). Mark parameters holding such IDs with
 * {@code @ShardKey(shardlineId = true)}. A shard's index in the ID is its position in natural
 * name order ({@code shard-2} before {@code shard-10}): never rename or remove a shard that
 * has minted IDs, and give new shards names that sort after the existing ones.
 */
public final class ShardlineIds {

	private final ShardlineIdGenerator generator;

	private final ShardRouter router;

	/**
	 * Creates the API.
	 * @param generator the generator
	 * @param router the router
	 */
	public ShardlineIds(ShardlineIdGenerator generator, ShardRouter router) {
		this.generator = generator;
		this.router = router;
	}

	/**
	 * A new ID on a shard.
	 * @param shardName the shard
	 * @return the ID
	 */
	public long nextOn(String shardName) {
		return this.generator.next(this.router.shardNamed(shardName).index());
	}

	/**
	 * A new ID on the shard that owns a key.
	 * @param key the key
	 * @return the ID
	 */
	public long nextFor(Object key) {
		Shard shard = this.router.shardFor(key, "ShardlineIds.nextFor(" + key + ")");
		return this.generator.next(shard.index());
	}

	/**
	 * The shard an ID was minted on.
	 * @param id the ID
	 * @return the shard's name
	 */
	public String shardOf(long id) {
		return this.router.shardOfId(id, "ShardlineIds.shardOf(" + id + ")").name();
	}

	/** The layout of the IDs. */
	public ShardlineIdLayout layout() {
		return this.generator.layout();
	}

}
