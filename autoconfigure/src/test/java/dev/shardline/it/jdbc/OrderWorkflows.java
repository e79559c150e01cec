package dev.shardline.it.jdbc;

import java.util.ArrayList;
import java.util.List;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

import org.springframework.transaction.annotation.Transactional;

/** Transactions and nesting around {@link OrderStore}. */
public class OrderWorkflows {

	private final OrderStore store;

	public OrderWorkflows(OrderStore store) {
		this.store = store;
	}

	/** An unannotated transaction: the first keyed call binds its shard. */
	@Transactional
	public void insertBoth(long firstCustomer, long secondCustomer) {
		this.store.insert(firstCustomer, 1);
		this.store.insert(secondCustomer, 2);
	}

	/** Write, then a @ReadOnly read in the same transaction. */
	@Transactional
	public long insertThenReadServerId(long customerId) {
		this.store.insert(customerId, 3);
		return this.store.serverIdForRead(customerId);
	}

	/** A transaction on one shard that starts a REQUIRES_NEW write on another. */
	@Transactional
	public void insertWithSideTransaction(long customerId, long otherCustomer) {
		this.store.insert(customerId, 4);
		this.store.insertInOwnTransaction(otherCustomer, 5);
		this.store.insert(customerId, 6);
	}

	/** One routed call (an implicit unit of work) that writes, then reads read-only. */
	public long[] insertThenCount(@ShardKey long customerId) {
		this.store.insert(customerId, 7);
		return this.store.countAndServerId(customerId);
	}

	/** Outer keyed read route; inner unkeyed and keyed calls. Returns server ids: [outer, unkeyed inner, keyed inner]. */
	@ReadOnly
	public List<Long> nested(@ShardKey long outerCustomer, long innerCustomer) {
		List<Long> ids = new ArrayList<>();
		ids.add(this.store.unroutedServerId());
		ids.add(this.store.unkeyedServerIdForRead());
		ids.add(this.store.serverIdForRead(innerCustomer));
		ids.add(this.store.unroutedServerId());
		return ids;
	}

}
