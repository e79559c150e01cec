package dev.shardline.topology;

/** The configured role of a node within its shard. */
public enum NodeRole {

	/** Takes writes (and reads that must see them). */
	PRIMARY,

	/** Serves {@code @ReadOnly} reads of its group. */
	REPLICA;

	/** Lower-case name, as used in tags and JSON. */
	public String tag() {
		return this == PRIMARY ? "primary" : "replica";
	}

}
