package dev.shardline.it.chaos;

/** The faults a chaos run injects, one after another. */
enum FaultKind {

	/** A replica is killed with SIGKILL, then restarted. */
	REPLICA_KILL(Target.REPLICA),

	/** A replica is frozen with SIGSTOP, then thawed. */
	REPLICA_FREEZE(Target.REPLICA),

	/** A replica's SQL (applier) thread is stopped, then started: its lag grows past max-lag. */
	REPLICA_SQL_STOPPED(Target.REPLICA),

	/** A replica applies events later than max-lag ({@code MASTER_DELAY}), then catches up. */
	REPLICA_DELAY_PAST_MAX_LAG(Target.REPLICA),

	/**
	 * Every replica of a shard applies events 1 s late, within max-lag: they keep serving, and
	 * read-your-writes must keep a unit of work on the primary until they applied its write.
	 */
	REPLICAS_DELAY_WITHIN_MAX_LAG(Target.REPLICA),

	/** Every connection of one instance's pool to a replica is held, then released. */
	REPLICA_POOL_EXHAUSTED(Target.REPLICA),

	/** A primary is killed with SIGKILL (durable settings), then restarted. */
	PRIMARY_KILL(Target.PRIMARY),

	/** A primary is frozen with SIGSTOP, then thawed. */
	PRIMARY_FREEZE(Target.PRIMARY),

	/** Not a fault: a key is moved to the other shard under load (KeyMover, directory on). */
	KEY_MOVE(Target.NONE);

	/** What a fault takes out of service. */
	enum Target {
		REPLICA, PRIMARY, NONE
	}

	private final Target target;

	FaultKind(Target target) {
		this.target = target;
	}

	Target target() {
		return this.target;
	}

	String tag() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}
