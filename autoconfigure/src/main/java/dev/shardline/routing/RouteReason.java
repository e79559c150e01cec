package dev.shardline.routing;

/**
 * Why a connection went to the node it went to: the {@code reason} tag of the
 * {@code shardline.routing} counter. A closed list.
 */
public enum RouteReason {

	/** Read-write work on the shard's primary. */
	WRITE("write"),

	/** Work without a shard key, on the default shard (or the transaction's shard). */
	UNKEYED("unkeyed"),

	/** A read-only route served by a replica. */
	REPLICA("replica"),

	/** A read-only route on the primary because the shard has no replica in the group. */
	NO_REPLICA("no-replica"),

	/** A read-only route on the primary because every replica lags beyond max-lag. */
	FALLBACK_LAG("fallback-lag"),

	/** A read-only route on the primary because no replica's lag is known. */
	FALLBACK_UNKNOWN_LAG("fallback-unknown-lag"),

	/** A read-only route on the primary because every replica is down. */
	FALLBACK_DOWN("fallback-down"),

	/**
	 * A read-only route on the primary because every replica that could serve it has a saturated
	 * pool (every connection in use, or threads waiting for one).
	 */
	FALLBACK_BUSY("fallback-busy"),

	/** A read-only route on the primary so the unit of work reads its own writes. */
	READ_YOUR_WRITES("read-your-writes"),

	/** A read-only route inside a read-write transaction, on its primary connection. */
	IN_TRANSACTION("in-transaction"),

	/** A read retried on another node after a connection failure. */
	RETRY("retry");

	private final String tag;

	RouteReason(String tag) {
		this.tag = tag;
	}

	/** The tag value used in metrics and the endpoint. */
	public String tag() {
		return this.tag;
	}

}
