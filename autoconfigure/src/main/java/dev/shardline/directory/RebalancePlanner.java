package dev.shardline.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.shardline.ShardlineException;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.ShardRouter;

/**
 * Plans and runs a rebalance: given a new ring (a shard added or removed), which directory
 * keys would change owner, and how many rows each holds; executing the plan moves them one by
 * one with {@link KeyMover}, reporting progress.
 */
public final class RebalancePlanner {

	private final ShardDirectory directory;

	private final ShardRouter router;

	private final Map<String, String> tables;

	/**
	 * Creates a planner.
	 * @param directory the directory whose keys are planned
	 * @param router the router (for row counts on each shard's primary)
	 * @param tables table to key column, as for moves
	 */
	public RebalancePlanner(ShardDirectory directory, ShardRouter router, Map<String, String> tables) {
		this.directory = directory;
		this.router = router;
		this.tables = new LinkedHashMap<>(tables);
	}

	/**
	 * The keys whose owner differs under the new ring.
	 * @param newRing the ring after adding or removing shards
	 * @return one step per key that would move, with its row count
	 */
	public List<PlannedMove> plan(HashRing newRing) {
		List<PlannedMove> moves = new ArrayList<>();
		for (DirectoryEntry entry : this.directory.activeEntries()) {
			Object key = DirectoryKeys.parse(entry.key());
			String owner = newRing.shardFor(key);
			if (!owner.equals(entry.shard())) {
				moves.add(new PlannedMove(entry.key(), key, entry.shard(), owner, rows(key, entry.shard())));
			}
		}
		return moves;
	}

	/**
	 * Runs a plan as a series of moves (the new ring's shards must be configured already).
	 * @param plan the plan
	 * @param mover the mover
	 * @param progress told after each move with (done, total)
	 * @return the reports of the moves
	 */
	public List<KeyMover.MoveReport> execute(List<PlannedMove> plan, KeyMover mover, Consumer<Progress> progress) {
		List<KeyMover.MoveReport> reports = new ArrayList<>();
		for (PlannedMove move : plan) {
			reports.add(mover.move(move.key(), move.to()));
			progress.accept(new Progress(reports.size(), plan.size(), move.keyText()));
		}
		return reports;
	}

	private long rows(Object key, String shard) {
		long total = 0;
		for (Map.Entry<String, String> table : this.tables.entrySet()) {
			try (Connection connection = this.router.shardNamed(shard).currentPrimary().dataSource().getConnection();
					PreparedStatement statement = connection.prepareStatement(
							"SELECT COUNT(*) FROM " + table.getKey() + " WHERE " + table.getValue() + " = ?")) {
				statement.setObject(1, (key instanceof java.util.UUID uuid) ? uuid.toString() : key);
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					total += rs.getLong(1);
				}
			}
			catch (SQLException ex) {
				throw new ShardlineException("Counting " + table.getKey() + " rows on " + shard + " failed: "
						+ ex.getMessage(), ex);
			}
		}
		return total;
	}

	/**
	 * One key to move.
	 *
	 * @param keyText the key's stored text
	 * @param key the key
	 * @param from its current shard
	 * @param to its shard under the new ring
	 * @param rows rows it holds in the configured tables
	 */
	public record PlannedMove(String keyText, Object key, String from, String to, long rows) {
	}

	/**
	 * Progress of a plan's execution.
	 *
	 * @param done moves finished
	 * @param total moves planned
	 * @param lastKey the key just moved
	 */
	public record Progress(int done, int total, String lastKey) {
	}

}
