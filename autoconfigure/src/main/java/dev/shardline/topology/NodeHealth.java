package dev.shardline.topology;

/**
 * What Shardline currently knows about a node: reachability, replication lag and position.
 * Written by the replication monitor (and by requests that fail to connect), read on the
 * routing hot path without locks: every field is volatile and read independently.
 */
public final class NodeHealth {

	/** Lag value meaning "not known". */
	public static final long UNKNOWN_LAG = -1;

	/** A node's state as routing sees it. */
	public enum State {

		/** Reachable; for a replica also within max-lag. */
		UP,

		/** A reachable replica that is further behind than max-lag. */
		LAGGING,

		/** A replica whose lag is not known (not measured yet, replication stopped). */
		UNKNOWN,

		/** Not reachable (or hung) at the last probe. */
		DOWN,

		/** A request failed to connect: no request uses it until a probe re-admits it. */
		EJECTED;

		/** Lower-case name for JSON and tags. */
		public String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	private volatile State state;

	private volatile long lagNanos = UNKNOWN_LAG;

	private volatile long measuredAtMillis;

	private volatile long appliedThroughMicros = -1;

	private volatile String gtidPosition;

	private volatile String lastError;

	private volatile long stateSinceMillis = System.currentTimeMillis();

	private volatile Boolean writable;

	private volatile boolean drained;

	NodeHealth(State initial) {
		this.state = initial;
	}

	/** The current state. */
	public State state() {
		return this.state;
	}

	/** Replication lag in nanoseconds, or {@link #UNKNOWN_LAG}. */
	public long lagNanos() {
		return this.lagNanos;
	}

	/** When the lag was last measured (epoch millis), 0 when never. */
	public long measuredAtMillis() {
		return this.measuredAtMillis;
	}

	/**
	 * The time (the measuring instance's clock, epoch micros) through which this replica has
	 * applied the primary's writes, or -1 when unknown.
	 */
	public long appliedThroughMicros() {
		return this.appliedThroughMicros;
	}

	/** The replica's last read GTID position, or null. */
	public String gtidPosition() {
		return this.gtidPosition;
	}

	/** The last error seen on this node (no credentials), or null. */
	public String lastError() {
		return this.lastError;
	}

	/** Since when (epoch millis) the node is in its state. */
	public long stateSinceMillis() {
		return this.stateSinceMillis;
	}

	/** Whether the node's read_only flag is off, when discovery watches it; null when unknown. */
	public Boolean writable() {
		return this.writable;
	}

	/** Whether an operator drained the node: it takes no new reads; work in flight finishes. */
	public boolean drained() {
		return this.drained;
	}

	/** Drains the node, or puts it back into service. */
	public void drained(boolean drained) {
		this.drained = drained;
	}

	/** Sets the state, keeping {@link #stateSinceMillis()} for unchanged states. */
	public void state(State state, String error) {
		if (this.state != state) {
			this.stateSinceMillis = System.currentTimeMillis();
		}
		this.state = state;
		if (error != null || state == State.UP) {
			this.lastError = error;
		}
	}

	/** Records a lag measurement. */
	public void lag(long lagNanos, long measuredAtMillis, long appliedThroughMicros) {
		this.lagNanos = lagNanos;
		this.measuredAtMillis = measuredAtMillis;
		this.appliedThroughMicros = appliedThroughMicros;
	}

	/** Records the replica's GTID position. */
	public void gtidPosition(String position) {
		this.gtidPosition = position;
	}

	/** Records the node's read_only flag (inverted). */
	public void writable(Boolean writable) {
		this.writable = writable;
	}

	@Override
	public String toString() {
		return this.state.tag() + ((this.lagNanos >= 0) ? " lag=" + (this.lagNanos / 1_000_000) + "ms" : "");
	}

}
