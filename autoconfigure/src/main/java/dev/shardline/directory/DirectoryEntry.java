package dev.shardline.directory;

/**
 * One row of the directory.
 *
 * @param key the key in its stored text form ({@code l:42}, {@code s:text}, {@code u:uuid}, {@code b:hex})
 * @param shard the owning shard (during a move until the flip: still the source)
 * @param state ACTIVE, COPYING, MOVING or CLEANING (see {@link State})
 * @param otherShard the move's target (COPYING, MOVING) or old source (CLEANING), else null
 * @param version incremented by every change; every step of a move is a compare-and-set on it, so
 * a stalled mover whose move was taken over changes nothing
 */
public record DirectoryEntry(String key, String shard, State state, String otherShard, long version) {

	/** Whether writes to the key are refused (the fenced final phase of a move). */
	public boolean refusesWrites() {
		return this.state == State.MOVING;
	}

	/**
	 * Whether {@code @ReadOnly} reads must use the owner's primary: right after a move's flip,
	 * until the new owner's replicas have applied the copy.
	 */
	public boolean readsOnPrimary() {
		return this.state == State.CLEANING;
	}

	/** Entry states. */
	public enum State {

		/** Owned by {@code shard}. */
		ACTIVE,

		/**
		 * Owned by {@code shard}, which keeps taking writes while the bulk of the rows is copied
		 * to {@code otherShard}.
		 */
		COPYING,

		/**
		 * Owned by {@code shard}; writes are refused (fenced) while the last changes are copied
		 * to {@code otherShard}, verified, and the key flips.
		 */
		MOVING,

		/**
		 * Owned by {@code shard} (the move's target, taking writes); reads use its primary until its
		 * replicas have the copy; rows left on {@code otherShard} are being removed.
		 */
		CLEANING

	}

}
