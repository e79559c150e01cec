package dev.shardline.routing;

import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;

/**
 * The route of the work running on the current thread: the one piece of static state in
 * Shardline. Frames are pushed by the interceptor and the programmatic API and read when a
 * physical connection is fetched.
 */
public final class RoutingContext {

	private static final ThreadLocal<RouteStack> STACK = ThreadLocal.withInitial(RouteStack::new);

	private RoutingContext() {
	}

	static RouteStack stack() {
		return STACK.get();
	}

	/**
	 * The shard the current routed call was resolved to.
	 * @return the shard name, or null outside a keyed route
	 */
	public static String currentShard() {
		RouteFrame top = STACK.get().top();
		return (top != null && top.shard != null) ? top.shard.name() : null;
	}

	/**
	 * Whether the current routed call is read-only.
	 * @return true inside a {@code @ReadOnly} route
	 */
	public static boolean isReadOnly() {
		RouteFrame top = STACK.get().top();
		return top != null && top.readOnly;
	}

	/**
	 * The node that served the current routed call's connections so far.
	 * @return the node name (pool name), or null when none was fetched yet
	 */
	public static String currentNode() {
		RouteFrame top = STACK.get().top();
		ShardNode node = (top != null) ? top.node : null;
		return (node != null) ? node.name() : null;
	}

	/**
	 * Captures the current route so another thread can continue it.
	 * @return the snapshot, or null when no route is active
	 */
	public static Snapshot capture() {
		RouteStack stack = STACK.get();
		RouteFrame top = stack.top();
		if (top == null && stack.scope == null) {
			return null;
		}
		return (top != null) ? new Snapshot(top.shard, top.readOnly, top.group, true, stack.scope)
				: new Snapshot(null, false, dev.shardline.annotation.ReadOnly.DEFAULT_GROUP, false, stack.scope);
	}

	/**
	 * A route carried to another thread (by the task decorator or context propagation).
	 */
	public static final class Snapshot {

		private final Shard shard;

		private final boolean readOnly;

		private final String group;

		private final boolean routed;

		private final ConsistencyScope scope;

		Snapshot(Shard shard, boolean readOnly, String group, boolean routed, ConsistencyScope scope) {
			this.shard = shard;
			this.readOnly = readOnly;
			this.group = group;
			this.routed = routed;
			this.scope = scope;
		}

		/**
		 * Makes this route current on the calling thread until the returned scope closes.
		 * @return the scope to close when the work is done
		 */
		public Scope restore() {
			RouteStack stack = STACK.get();
			ConsistencyScope previous = stack.scope;
			if (this.scope != null) {
				stack.scope = this.scope;
			}
			if (this.routed) {
				stack.enter(this.shard, this.readOnly, this.group);
			}
			return () -> {
				if (this.routed) {
					stack.exit();
				}
				stack.scope = previous;
			};
		}

		@Override
		public String toString() {
			return "Route[" + ((this.shard != null) ? this.shard.name() : "unkeyed") + (this.readOnly ? ", read-only" : "")
					+ "]";
		}

	}

	/** A route made current by {@link Snapshot#restore()}; closing it leaves the route. */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
