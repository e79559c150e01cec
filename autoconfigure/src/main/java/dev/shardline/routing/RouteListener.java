package dev.shardline.routing;

import dev.shardline.topology.ShardNode;

/**
 * Told of every routing decision (feeds the {@code shardline.routing} counter). Runs on the
 * hot path: implementations must be fast and allocation-free.
 */
@FunctionalInterface
public interface RouteListener {

	/** A listener that does nothing. */
	RouteListener NONE = (node, reason) -> {
	};

	/**
	 * A physical connection was routed.
	 * @param node the node chosen
	 * @param reason why
	 */
	void routed(ShardNode node, RouteReason reason);

}
