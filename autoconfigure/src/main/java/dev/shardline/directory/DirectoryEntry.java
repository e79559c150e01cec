package dev.shardline.directory;

/**
 * One row of the directory.
 *
 * @param key the key in its stored text form ({@code l:42}, {@code s:text}, {@code u:uuid}, {@code b:hex})
 * @param shard the owning shard (during a move: still the source)
 * @param state ACTIVE, MOVING (writes refused, copying to {@code otherShard}) or CLEANING (owned
 * by {@code shard}, rows left on {@code otherShard} being removed)
 * @param otherShard the move's target (MOVING) or old source (CLEANING), else null
 * @param version incremented by every change (compare-and-set)
 */
public record DirectoryEntry(String key, String shard, State state, String otherShard, long version) {

	/** Entry states. */
	public enum State {

		/** Owned by {@code shard}. */
		ACTIVE,

		/** Being copied to {@code otherShard}; writes are refused. */
		MOVING,

		/** Owned by {@code shard}; leftovers on {@code otherShard} are being removed. */
		CLEANING

	}

}
