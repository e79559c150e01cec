package dev.shardline.routing;

import dev.shardline.topology.ShardNode;

/**
 * Told which node each physical connection went to (once per connection, not per call), so
 * logs and traces can say which node served a query.
 */
public interface RouteObserver {

	/**
	 * A connection was routed.
	 * @param node the node
	 * @param role its current role ({@code primary} or {@code replica})
	 * @param reason why it was chosen
	 */
	void connectionRouted(ShardNode node, String role, RouteReason reason);

	/** The thread left its outermost routed call. */
	void routeLeft();

}
