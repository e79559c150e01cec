package dev.shardline.routing;

import java.math.BigInteger;
import java.util.List;
import java.util.UUID;

import dev.shardline.CrossShardAccessException;
import dev.shardline.ShardKeyMissingException;
import dev.shardline.ShardlineException;
import dev.shardline.strategy.ShardKeyConverter;
import dev.shardline.strategy.ShardingStrategy;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Resolves keys to shards and, when a physical connection is fetched, the current route to a
 * node. The decisions of routing rules 1-4 live here; the interceptor, the programmatic API
 * and the data source only call in.
 */
public final class ShardRouter {

	private final Topology topology;

	private final ShardingStrategy strategy;

	private final List<ShardKeyConverter> converters;

	private final boolean failOnMissingKey;

	private final boolean transactionalReadOnly;

	private final RouteListener listener;

	/**
	 * Creates a router.
	 * @param topology the shards and nodes
	 * @param strategy the key-to-shard strategy
	 * @param converters converters for application key types
	 * @param failOnMissingKey whether a null key fails (else: default shard)
	 * @param transactionalReadOnly whether read-only transactions count as {@code @ReadOnly}
	 * @param listener told of every node choice (metrics); never null
	 */
	public ShardRouter(Topology topology, ShardingStrategy strategy, List<ShardKeyConverter> converters,
			boolean failOnMissingKey, boolean transactionalReadOnly, RouteListener listener) {
		this.topology = topology;
		this.strategy = strategy;
		this.converters = List.copyOf(converters);
		this.failOnMissingKey = failOnMissingKey;
		this.transactionalReadOnly = transactionalReadOnly;
		this.listener = listener;
	}

	/** The shards and nodes routed to. */
	public Topology topology() {
		return this.topology;
	}

	/**
	 * The shard that owns a key (routing rule 1).
	 * @param key the key; null is a missing key
	 * @param where the method or call site, for messages
	 * @return the shard
	 */
	public Shard shardFor(Object key, String where) {
		if (key == null) {
			if (this.failOnMissingKey) {
				throw new ShardKeyMissingException(where);
			}
			return this.topology.defaultShard();
		}
		String name;
		try {
			name = this.strategy.shardFor(convert(key));
		}
		catch (IllegalArgumentException ex) {
			throw new ShardlineException("Cannot route key '" + key + "' of " + where + ": " + ex.getMessage(), ex);
		}
		Shard shard = this.topology.shard(name);
		if (shard == null) {
			throw new ShardlineException("The sharding strategy placed key '" + key + "' on shard '" + name
					+ "', which is not configured under shardline.shards (" + where + ")");
		}
		return shard;
	}

	/**
	 * A shard by name.
	 * @param name the shard's name
	 * @return the shard
	 */
	public Shard shardNamed(String name) {
		Shard shard = this.topology.shard(name);
		if (shard == null) {
			throw new ShardlineException("Unknown shard '" + name + "': configured shards are "
					+ this.topology.shards().stream().map(Shard::name).toList());
		}
		return shard;
	}

	private Object convert(Object key) {
		if (key instanceof Long || key instanceof Integer || key instanceof String || key instanceof UUID
				|| key instanceof Short || key instanceof Byte || key instanceof BigInteger || key instanceof byte[]) {
			return key;
		}
		for (ShardKeyConverter converter : this.converters) {
			if (converter.supports(key.getClass())) {
				return converter.convert(key);
			}
		}
		return key;
	}

	/**
	 * Enters a routed call on the current thread after checking it against the current
	 * transaction (routing rule 4).
	 * @param shard the call's shard, or null for an unkeyed call
	 * @param readOnly whether the call is read-only
	 * @param group replica group for read-only calls
	 * @param freshTransaction whether the call starts its own transaction scope
	 * @param key the key, for messages
	 * @param where the method or call site, for messages
	 */
	void enter(Shard shard, boolean readOnly, String group, boolean freshTransaction, Object key, String where) {
		if (shard != null && !freshTransaction && TransactionSynchronizationManager.isActualTransactionActive()) {
			TransactionBinding binding = (TransactionBinding) TransactionSynchronizationManager.getResource(this);
			if (binding != null && binding.shard() != shard) {
				throw new CrossShardAccessException(binding.shard().name(), shard.name(), key, where);
			}
		}
		RoutingContext.stack().enter(shard, readOnly, group);
	}

	/** Leaves the routed call entered last on this thread. */
	void exit() {
		RoutingContext.stack().exit();
	}

	/**
	 * Chooses the node for a physical connection fetched now, binding an active transaction
	 * to its shard (routing rules 2-4). Allocation-free outside the first fetch of a
	 * transaction.
	 * @return the node to take a connection from
	 */
	ShardNode select() {
		RouteFrame frame = RoutingContext.stack().top();
		boolean inTransaction = TransactionSynchronizationManager.isActualTransactionActive();
		TransactionBinding binding = inTransaction
				? (TransactionBinding) TransactionSynchronizationManager.getResource(this) : null;
		if (binding != null) {
			// A second physical connection inside one transaction stays on its node.
			return binding.node();
		}
		Shard shard = (frame != null && frame.shard != null) ? frame.shard : this.topology.defaultShard();
		boolean readOnly = (frame != null && frame.readOnly);
		String group = (frame != null) ? frame.group : null;
		if (inTransaction) {
			boolean readOnlyTransaction = TransactionSynchronizationManager.isCurrentTransactionReadOnly();
			if (readOnlyTransaction && this.transactionalReadOnly && !readOnly) {
				readOnly = true;
				group = dev.shardline.annotation.ReadOnly.DEFAULT_GROUP;
			}
			else if (readOnly && !readOnlyTransaction) {
				// @ReadOnly inside a read-write transaction stays on its primary connection.
				ShardNode node = choose(frame, shard.primary(), RouteReason.IN_TRANSACTION);
				bind(shard, node);
				return node;
			}
		}
		ShardNode node;
		if (frame != null && frame.node != null && frame.node.shard().equals(shard.name())
				&& (frame.node == shard.primary()) != readOnly) {
			node = frame.node;
		}
		else if (readOnly) {
			ShardNode replica = shard.pickReplica(group);
			node = (replica != null) ? choose(frame, replica, RouteReason.REPLICA)
					: choose(frame, shard.primary(), RouteReason.NO_REPLICA);
		}
		else {
			node = choose(frame, shard.primary(),
					(frame != null && frame.shard != null) ? RouteReason.WRITE : RouteReason.UNKEYED);
		}
		if (inTransaction) {
			bind(shard, node);
		}
		return node;
	}

	/**
	 * The node the current route uses or would start on, without side effects.
	 * @return the node
	 */
	ShardNode peek() {
		RouteFrame frame = RoutingContext.stack().top();
		if (frame != null && frame.node != null) {
			return frame.node;
		}
		return ((frame != null && frame.shard != null) ? frame.shard : this.topology.defaultShard()).primary();
	}

	private ShardNode choose(RouteFrame frame, ShardNode node, RouteReason reason) {
		if (frame != null) {
			frame.node = node;
			frame.reason = reason;
		}
		this.listener.routed(node, reason);
		return node;
	}

	private void bind(Shard shard, ShardNode node) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionBinding binding = new TransactionBinding(this, shard, node);
			TransactionSynchronizationManager.bindResource(this, binding);
			TransactionSynchronizationManager.registerSynchronization(binding);
		}
	}

	/**
	 * The shard the current transaction is bound to.
	 * @return the shard name, or null outside a bound transaction
	 */
	public String boundShard() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return null;
		}
		TransactionBinding binding = (TransactionBinding) TransactionSynchronizationManager.getResource(this);
		return (binding != null) ? binding.shard().name() : null;
	}

}
