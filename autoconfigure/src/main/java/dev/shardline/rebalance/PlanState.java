package dev.shardline.rebalance;

import java.util.Locale;

/** States of a rebalance plan. PLANNED, RUNNING and PAUSED are unfinished; at most one plan is. */
public enum PlanState {

	/** Computed and stored; nothing moved yet. */
	PLANNED,

	/** An instance (the plan's owner, holding its lease) is moving its keys. */
	RUNNING,

	/** Stopped between batches by an operator; resumes where it stopped. */
	PAUSED,

	/** Stopped for good by an operator; keys already moved stay where they are. */
	CANCELLED,

	/** Every key is on its planned shard. */
	DONE,

	/** Finished with keys that could not be moved (see the last error); the others moved. */
	FAILED;

	/** Whether the plan is over (another may be planned). */
	public boolean finished() {
		return this == CANCELLED || this == DONE || this == FAILED;
	}

	/** Lower-case name for JSON. */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
