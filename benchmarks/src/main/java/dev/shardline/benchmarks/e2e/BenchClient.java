package dev.shardline.benchmarks.e2e;

import java.util.List;

/**
 * One system's way of running the workloads' operations. Implementations are thread-safe.
 */
public interface BenchClient extends AutoCloseable {

	/**
	 * W1: point select on the primary of the key's shard (a key of shard-0).
	 * @param key the key (and row id)
	 * @return the payload
	 */
	String selectOnPrimary(long key);

	/**
	 * W2: read-only point select, served by a replica of the key's shard (a key of shard-0).
	 * @param key the key (and row id)
	 * @return the payload
	 */
	String selectOnReplica(long key);

	/**
	 * W3: point select by a key of any shard, on that shard's primary.
	 * @param key the key (and row id)
	 * @return the payload
	 */
	String selectKeyed(long key);

	/**
	 * W4: inserts one row on the primary of the customer's shard.
	 * @param id the new row's unique id
	 * @param customerId the shard key
	 */
	void insert(long id, long customerId);

	/**
	 * W5: counts the customer's rows on every shard's replica and adds the counts.
	 * @param customerId the customer
	 * @return the total count
	 */
	long countEverywhere(long customerId);

	/**
	 * Threads other than the caller's that do work for an operation (e.g. a scatter
	 * executor's), counted in allocation figures.
	 * @return the threads, started
	 */
	default List<Thread> helperThreads() {
		return List.of();
	}

	@Override
	void close();

}
