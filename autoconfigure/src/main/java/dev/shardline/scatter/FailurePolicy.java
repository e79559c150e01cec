package dev.shardline.scatter;

/**
 * What a scatter does when some shards fail or time out.
 */
public enum FailurePolicy {

	/**
	 * Any shard failing or timing out fails the whole call with a {@link ScatterException}
	 * naming each failed shard; work still running on the other shards is cancelled.
	 */
	FAIL,

	/**
	 * The call returns what the shards that answered returned, plus the failed shards and
	 * their causes ({@link ScatterResult#failures()}).
	 */
	PARTIAL

}
