package dev.shardline.routing;

import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The shard a transaction was bound to by its first physical connection. Registered as a
 * transaction resource; as a synchronization it steps aside while the transaction is
 * suspended (REQUIRES_NEW, NOT_SUPPORTED open a fresh routing scope) and leaves at completion.
 */
final class TransactionBinding implements TransactionSynchronization {

	private final Object key;

	private final Shard shard;

	private final ShardNode node;

	TransactionBinding(Object key, Shard shard, ShardNode node) {
		this.key = key;
		this.shard = shard;
		this.node = node;
	}

	Shard shard() {
		return this.shard;
	}

	ShardNode node() {
		return this.node;
	}

	@Override
	public void suspend() {
		TransactionSynchronizationManager.unbindResourceIfPossible(this.key);
	}

	@Override
	public void resume() {
		TransactionSynchronizationManager.bindResource(this.key, this);
	}

	@Override
	public void afterCompletion(int status) {
		TransactionSynchronizationManager.unbindResourceIfPossible(this.key);
	}

}
