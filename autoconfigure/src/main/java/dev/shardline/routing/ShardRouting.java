package dev.shardline.routing;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.topology.Shard;

/**
 * Programmatic routing for code that cannot be annotated (lambdas, batch jobs), with the same
 * semantics as {@code @ShardKey} / {@code @ReadOnly}:
 *
 * <pre class="code">
 * Order order = shardRouting.onShard(customerId).readOnly().call(() -&gt; orders.find(orderId));
 * shardRouting.onShard(customerId).run(() -&gt; orders.insert(order));
 * </pre>
 */
public final class ShardRouting {

	// Call-site names for messages; the messages name the key themselves. Constants, because
	// building "onShard(" + key + ")" on every call was an allocation per routed call.
	private static final String ON_SHARD = "ShardRouting.onShard()";

	private static final String ON_SHARDLINE_ID = "ShardRouting.onShardlineId()";

	private static final String SHARD_FOR = "ShardRouting.shardFor()";

	private final ShardRouter router;

	/**
	 * Creates the API.
	 * @param router the router
	 */
	public ShardRouting(ShardRouter router) {
		this.router = router;
	}

	/**
	 * Routes by a shard key, exactly as a {@code @ShardKey} argument would.
	 * @param key the key; null is a missing key ({@code shardline.routing.missing-key})
	 * @return the route, to refine and run
	 */
	public Route onShard(Object key) {
		// Resolved now for a missing-key failure at the call site, and again on entry once the
		// route knows whether it writes (a key being moved refuses writes).
		Shard shard = this.router.shardFor(key, ON_SHARD);
		return new Route(shard, key, true);
	}

	/**
	 * Routes by a Shardline ID, whose shard is in its own bits.
	 * @param id the ID
	 * @return the route
	 */
	public Route onShardlineId(long id) {
		return new Route(this.router.shardOfId(id, ON_SHARDLINE_ID), id, false);
	}

	/**
	 * Routes to a shard by its configured name (operations, per-shard jobs).
	 * @param shardName the shard's name
	 * @return the route
	 */
	public Route onShardNamed(String shardName) {
		return new Route(this.router.shardNamed(shardName), shardName, false);
	}

	/**
	 * Unkeyed work: inherits an enclosing route's shard, else the transaction's, else the
	 * default shard.
	 * @return the route
	 */
	public Route unkeyed() {
		return new Route(null, null, false);
	}

	/**
	 * The shard a key routes to, without running anything.
	 * @param key the key
	 * @return the shard's name
	 */
	public String shardFor(Object key) {
		return this.router.shardFor(key, SHARD_FOR).name();
	}

	/**
	 * Runs work as one unit of work for read-your-writes
	 * ({@code shardline.routing.read-your-writes}): reads of a shard it wrote to see its
	 * writes. A unit of work already open (e.g. the web request) stays in charge.
	 * @param <T> the result type
	 * @param work the work
	 * @return the work's result
	 */
	public <T> T readYourWrites(Supplier<T> work) {
		try (RoutingContext.Scope scope = this.router.openUnitOfWork()) {
			return work.get();
		}
	}

	/**
	 * Runs work as one unit of work for read-your-writes.
	 * @param work the work
	 */
	public void readYourWrites(Runnable work) {
		try (RoutingContext.Scope scope = this.router.openUnitOfWork()) {
			work.run();
		}
	}

	/** A route to run work in. Not thread-safe; build one per call. */
	public final class Route {

		private final Shard shard;

		private final Object key;

		private final boolean keyed;

		private boolean readOnly;

		private String group = ReadOnly.DEFAULT_GROUP;

		private boolean freshTransaction;

		private Route(Shard shard, Object key, boolean keyed) {
			this.shard = shard;
			this.key = key;
			this.keyed = keyed;
		}

		/**
		 * The work only reads: a replica of the default group may serve it.
		 * @return this route
		 */
		public Route readOnly() {
			return readOnly(ReadOnly.DEFAULT_GROUP);
		}

		/**
		 * The work only reads: a replica of the given group may serve it.
		 * @param group the replica group
		 * @return this route
		 */
		public Route readOnly(String group) {
			this.readOnly = true;
			this.group = group;
			return this;
		}

		/**
		 * The work starts its own transaction (like {@code REQUIRES_NEW}), so it is not checked
		 * against the enclosing transaction's shard.
		 * @return this route
		 */
		public Route inNewTransaction() {
			this.freshTransaction = true;
			return this;
		}

		/**
		 * Runs work on this route.
		 * @param <T> the result type
		 * @param work the work
		 * @return the work's result
		 * @throws Exception what the work throws
		 */
		public <T> T call(Callable<T> work) throws Exception {
			enter();
			try {
				return work.call();
			}
			catch (RuntimeException ex) {
				throw (RuntimeException) FenceRefusals.translate(ex, this.key);
			}
			finally {
				ShardRouting.this.router.exit();
			}
		}

		/**
		 * Runs work on this route.
		 * @param <T> the result type
		 * @param work the work
		 * @return the work's result
		 */
		public <T> T get(Supplier<T> work) {
			enter();
			try {
				return work.get();
			}
			catch (RuntimeException ex) {
				throw (RuntimeException) FenceRefusals.translate(ex, this.key);
			}
			finally {
				ShardRouting.this.router.exit();
			}
		}

		/**
		 * Runs work on this route.
		 * @param work the work
		 */
		public void run(Runnable work) {
			enter();
			try {
				work.run();
			}
			catch (RuntimeException ex) {
				throw (RuntimeException) FenceRefusals.translate(ex, this.key);
			}
			finally {
				ShardRouting.this.router.exit();
			}
		}

		private void enter() {
			Shard shard = this.shard;
			if (this.keyed && this.key != null && !this.readOnly) {
				shard = ShardRouting.this.router.shardFor(this.key, ON_SHARD, true);
			}
			ShardRouting.this.router.enter(shard, this.readOnly, this.group, this.freshTransaction, this.key,
					"ShardRouting");
		}

	}

}
