package dev.shardline.it.chaos;

import dev.shardline.ShardlineException;

/**
 * What a write's caller can know about it. Only Shardline refuses work before any statement ran
 * (it throws its own exceptions while routing or fetching the connection); any other failure
 * may have happened after the server applied the statement.
 */
enum Outcome {

	/** The statement returned: the row must be on the servers. */
	ACKNOWLEDGED,

	/** Refused before any statement ran: the row must be nowhere. */
	REFUSED,

	/** Failed in a way that leaves the outcome open (the row may or may not exist). */
	UNKNOWN;

	/** Classifies a write's failure. */
	static Outcome of(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof ShardlineException) {
				return REFUSED;
			}
		}
		return UNKNOWN;
	}

}
