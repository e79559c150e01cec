package dev.shardline.routing;

import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;

/**
 * One routed call on the current thread. Frames are owned by their thread's
 * {@link RouteStack} and reused, so entering a route allocates nothing.
 */
final class RouteFrame {

	/** The shard, or null for unkeyed work (the transaction's shard, else the default). */
	Shard shard;

	boolean readOnly;

	String group;

	/** The node chosen at the first connection fetch; all statements of the call use it. */
	ShardNode node;

	/** Why {@link #node} was chosen. */
	RouteReason reason;

	/** A GTID the chosen replica must reach (bounded wait) before it may serve, or null. */
	String gtidWait;

	/** How many unkeyed inner calls with the same role re-entered this frame. */
	int reentries;

	/** A read of a key that has just moved: its new owner's replicas may not have it yet. */
	boolean primaryRead;

	void set(Shard shard, boolean readOnly, String group) {
		this.shard = shard;
		this.readOnly = readOnly;
		this.group = group;
		this.node = null;
		this.reason = null;
		this.gtidWait = null;
		this.reentries = 0;
		this.primaryRead = false;
	}

}
