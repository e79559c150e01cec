package dev.shardline.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.shardline.ShardlineException;
import dev.shardline.directory.DirectorySync;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.MoveHistory;
import dev.shardline.directory.ShardDirectory;

/**
 * How the directory is doing, for the endpoint and the health contributor: its size, this
 * instance's cache and change-log position, how it is answering, and recent moves.
 */
final class DirectoryDescriptions {

	private DirectoryDescriptions() {
	}

	/** The directory's state as this instance sees it (opens no connection unless {@code withSize}). */
	static Map<String, Object> describe(ShardDirectory directory, DirectorySync sync, KeyMover mover,
			boolean withSize) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("table", directory.table());
		if (withSize) {
			try {
				result.put("size", directory.size());
			}
			catch (ShardlineException ex) {
				result.put("size", null);
				result.put("error", ex.getMessage());
			}
		}
		result.put("cachedEntries", directory.cacheSize());
		result.put("cacheHitRatio", directory.cacheHitRatio());
		result.put("changeLogApplied", directory.seenSeq());
		result.put("replicaAnswers", directory.replicaAnswers());
		result.put("staleCacheAnswers", directory.staleAnswers());
		result.put("problem", directory.lastProblem());
		if (sync != null) {
			result.put("instance", sync.instanceId());
			result.put("leaseMillis", sync.lease().toMillis());
			long last = sync.lastSyncNanos();
			result.put("changeLogFollowedAgoMillis",
					(last != 0) ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last) : null);
			result.put("changeLogProblem", sync.failure());
		}
		if (mover != null) {
			Map<String, Object> counts = new LinkedHashMap<>();
			for (MoveHistory.Outcome outcome : MoveHistory.Outcome.values()) {
				counts.put(outcome.tag(), mover.history().count(outcome));
			}
			result.put("moveOutcomes", counts);
			List<Map<String, Object>> moves = new ArrayList<>();
			for (MoveHistory.Record record : mover.history().recent()) {
				Map<String, Object> move = new LinkedHashMap<>();
				move.put("key", record.key());
				move.put("from", record.from());
				move.put("to", record.to());
				move.put("outcome", record.outcome().tag());
				move.put("rows", record.rows());
				move.put("writePauseMillis", record.writePause().toMillis());
				move.put("durationMillis", record.duration().toMillis());
				move.put("detail", record.detail());
				move.put("at", record.at().toString());
				moves.add(move);
			}
			result.put("recentMoves", moves);
		}
		return result;
	}

	/** Whether the directory is answering: its change log is followed and look-ups reach its primary. */
	static boolean healthy(ShardDirectory directory, DirectorySync sync) {
		return directory.lastProblem() == null && (sync == null || sync.failure() == null);
	}

}
