package dev.shardline.directory;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.shardline.ShardlineException;

/**
 * At start-up, compares the sharding strategy with the one the directory's keys were placed
 * with. Keys not recorded in the directory are routed by the strategy: if it changed (a shard
 * added, removed or reweighted) before a backfill recorded every key, some keys would be routed
 * to a shard that holds none of their rows. That is said loudly, or refused.
 */
public final class DirectoryPlacementCheck {

	private static final Log logger = LogFactory.getLog(DirectoryPlacementCheck.class);

	private DirectoryPlacementCheck() {
	}

	/**
	 * Runs the check.
	 * @param directory the directory
	 * @param placement a description of the current strategy (shards, weights, virtual nodes or ranges)
	 * @param refuse whether a mismatch fails start-up instead of logging an error
	 * @return whether the strategy differs from the recorded one while keys are not all recorded
	 */
	public static boolean check(ShardDirectory directory, String placement, boolean refuse) {
		DirectoryMeta meta = new DirectoryMeta(directory);
		String recorded = meta.putIfAbsent(DirectoryMeta.PLACEMENT, placement);
		if (recorded.equals(placement)) {
			return false;
		}
		boolean backfilled = meta.get(DirectoryMeta.BACKFILL).map(DirectoryMeta.COMPLETE::equals).orElse(false);
		if (backfilled) {
			// Every key is recorded: the strategy only places new keys now.
			meta.put(DirectoryMeta.PLACEMENT, placement);
			return false;
		}
		String message = "The sharding strategy changed from [" + recorded + "] to [" + placement + "], but the keys"
				+ " written under the old one are not all recorded in the directory (" + directory.table() + "): keys"
				+ " would be routed to shards that hold none of their rows. Go back to the old configuration, run a"
				+ " directory backfill (README: \"Adding a shard\"), then change the strategy.";
		if (refuse) {
			throw new ShardlineException(message + " (shardline.directory.refuse-unrecorded-placement-change: true)");
		}
		logger.error(message);
		return true;
	}

}
