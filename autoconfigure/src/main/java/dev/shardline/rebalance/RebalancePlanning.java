package dev.shardline.rebalance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import dev.shardline.ShardlineException;
import dev.shardline.directory.DirectoryBackfill;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.DirectoryKeys;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.ShardRouter;
import dev.shardline.strategy.RingShardingStrategy;
import dev.shardline.strategy.ShardingStrategy;

/**
 * Computes rebalance plans from the directory and stores them.
 *
 * <ul>
 * <li>{@code add} (after a shard joined the ring): every ACTIVE entry whose owner under the
 * current strategy differs from the shard it is on; a draining shard is never a target (its keys'
 * owner is taken from the ring without the draining shards).</li>
 * <li>{@code remove} (before a shard leaves the ring): every ACTIVE entry on that shard, to its
 * owner in the ring without it (and without other draining shards).</li>
 * </ul>
 * Row counts come from one grouped query per move table per source shard
 * ({@code SELECT key, COUNT(*) ... GROUP BY key} on its primary), and key rows are stored in
 * multi-row inserts, so a plan of tens of thousands of keys takes seconds.
 */
public final class RebalancePlanning {

	private final ShardDirectory directory;

	private final ShardRouter router;

	private final ShardingStrategy strategy;

	private final Map<String, Integer> weights;

	private final int virtualNodes;

	private final Set<String> draining;

	private final Map<String, String> tables;

	private final DirectoryBackfill.KeyType keyType;

	private final RebalanceStore store;

	/**
	 * Creates the planner.
	 * @param directory the directory whose entries are planned
	 * @param router the router (shards' primaries, for row counts)
	 * @param strategy the current sharding strategy (the owners of {@code add} plans)
	 * @param weights the ring's shard weights (for {@code remove} plans and draining shards)
	 * @param virtualNodes the ring's virtual nodes per weight
	 * @param draining shards being drained ({@code shardline.rebalance.draining})
	 * @param tables move tables and their key columns
	 * @param keyType how key-column values become keys
	 * @param store where plans are stored
	 */
	public RebalancePlanning(ShardDirectory directory, ShardRouter router, ShardingStrategy strategy,
			Map<String, Integer> weights, int virtualNodes, Set<String> draining, Map<String, String> tables,
			DirectoryBackfill.KeyType keyType, RebalanceStore store) {
		this.directory = directory;
		this.router = router;
		this.strategy = strategy;
		this.weights = new LinkedHashMap<>(weights);
		this.virtualNodes = virtualNodes;
		this.draining = new LinkedHashSet<>(draining);
		this.tables = new LinkedHashMap<>(tables);
		this.keyType = keyType;
		this.store = store;
	}

	/**
	 * Plans moving keys to their owners under the current strategy and stores the plan.
	 * @return the stored plan (PLANNED)
	 * @throws ShardlineException when another plan is unfinished
	 */
	public Plan planAdd() {
		List<PlannedKey> keys = keysForAdd();
		String description = "add: keys to their owners in " + describe(this.strategy) + " (" + keys.size() + " keys)";
		return this.store.plan(this.store.create("add", description, keys)).orElseThrow();
	}

	/**
	 * Plans moving every key off a shard and stores the plan.
	 * @param shard the shard to empty
	 * @return the stored plan (PLANNED)
	 * @throws ShardlineException when another plan is unfinished, the shard is unknown or the
	 * strategy is not a ring
	 */
	public Plan planRemove(String shard) {
		List<PlannedKey> keys = keysForRemove(shard);
		String description = "remove " + shard + ": its keys to their owners in the ring without it (" + keys.size()
				+ " keys)";
		return this.store.plan(this.store.create("remove", description, keys)).orElseThrow();
	}

	/**
	 * The keys an {@code add} plan would move (nothing stored).
	 * @return the keys with their rows
	 */
	public List<PlannedKey> keysForAdd() {
		HashRing withoutDraining = this.draining.isEmpty() ? null : ring(this.draining);
		return withRows(this.directory.activeEntries(), (key) -> {
			String owner = this.strategy.shardFor(key);
			return (withoutDraining != null && this.draining.contains(owner)) ? withoutDraining.shardFor(key) : owner;
		}, null);
	}

	/**
	 * The keys a {@code remove} plan would move (nothing stored).
	 * @param shard the shard to empty
	 * @return the keys with their rows
	 */
	public List<PlannedKey> keysForRemove(String shard) {
		if (!this.weights.containsKey(shard)) {
			throw new ShardlineException("Cannot plan removing shard '" + shard + "': it is not in the ring "
					+ this.weights.keySet());
		}
		if (!(this.strategy instanceof RingShardingStrategy)) {
			throw new ShardlineException("Removing a shard is planned on the hash ring; the strategy is "
					+ this.strategy.getClass().getSimpleName() + ". Change the ranges instead and plan 'add'");
		}
		Set<String> without = new LinkedHashSet<>(this.draining);
		without.add(shard);
		HashRing ring = ring(without);
		return withRows(this.directory.activeEntries(), ring::shardFor, shard);
	}

	/** The ring without some shards. */
	private HashRing ring(Set<String> without) {
		Map<String, Integer> remaining = new LinkedHashMap<>(this.weights);
		remaining.keySet().removeAll(without);
		if (remaining.isEmpty()) {
			throw new ShardlineException("No shard would be left in the ring without " + without);
		}
		return new HashRing(remaining, this.virtualNodes);
	}

	private List<PlannedKey> withRows(List<DirectoryEntry> entries, Function<Object, String> owner, String onlyFrom) {
		List<DirectoryEntry> moving = new ArrayList<>();
		List<String> targets = new ArrayList<>();
		for (DirectoryEntry entry : entries) {
			if (onlyFrom != null && !onlyFrom.equals(entry.shard())) {
				continue;
			}
			String to = owner.apply(DirectoryKeys.parse(entry.key()));
			if (!to.equals(entry.shard())) {
				moving.add(entry);
				targets.add(to);
			}
		}
		Set<String> sources = new LinkedHashSet<>();
		moving.forEach((entry) -> sources.add(entry.shard()));
		Map<String, Map<String, Long>> rowsByShard = new HashMap<>();
		for (String source : sources) {
			rowsByShard.put(source, rowsOn(source));
		}
		List<PlannedKey> result = new ArrayList<>(moving.size());
		for (int i = 0; i < moving.size(); i++) {
			DirectoryEntry entry = moving.get(i);
			long rows = rowsByShard.get(entry.shard()).getOrDefault(entry.key(), 0L);
			result.add(new PlannedKey(entry.key(), entry.shard(), targets.get(i), rows));
		}
		return result;
	}

	/** Rows per key (stored text) over every move table on a shard's primary: one grouped query per table. */
	private Map<String, Long> rowsOn(String shard) {
		Map<String, Long> rows = new HashMap<>();
		for (Map.Entry<String, String> table : this.tables.entrySet()) {
			String column = table.getValue();
			try (Connection connection = this.router.shardNamed(shard).currentPrimary().dataSource().getConnection();
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT " + column + ", COUNT(*) FROM " + table.getKey()
							+ " GROUP BY " + column)) {
				DirectoryBackfill.KeyType type = (this.keyType != DirectoryBackfill.KeyType.AUTO) ? this.keyType
						: infer(rs.getMetaData().getColumnTypeName(1));
				while (rs.next()) {
					long count = rs.getLong(2);
					for (String text : texts(rs, type)) {
						rows.merge(text, count, Long::sum);
					}
				}
			}
			catch (SQLException ex) {
				throw new ShardlineException("Planning: counting the rows of " + table.getKey() + " on " + shard
						+ " failed: " + ex.getMessage(), ex);
			}
		}
		return rows;
	}

	/** The stored texts a key-column value may stand for. */
	private static List<String> texts(ResultSet rs, DirectoryBackfill.KeyType type) throws SQLException {
		switch (type) {
			case LONG:
				return List.of(DirectoryKeys.text(rs.getLong(1)));
			case BYTES:
				return List.of("b:" + HexFormat.of().formatHex(rs.getBytes(1)));
			case UUID:
				return List.of(DirectoryKeys.text(UUID.fromString(rs.getString(1))));
			default:
				String value = rs.getString(1);
				if (type == DirectoryBackfill.KeyType.AUTO && value.length() == 36) {
					// A UUID kept as text may be a UUID key or a string key: count it under both.
					try {
						return List.of(DirectoryKeys.text(value), DirectoryKeys.text(UUID.fromString(value)));
					}
					catch (IllegalArgumentException ex) {
						// Not a UUID.
					}
				}
				return List.of(DirectoryKeys.text(value));
		}
	}

	private static DirectoryBackfill.KeyType infer(String columnType) {
		String type = columnType.toUpperCase(Locale.ROOT);
		if (type.contains("INT")) {
			return DirectoryBackfill.KeyType.LONG;
		}
		if (type.contains("BINARY") || type.contains("BLOB")) {
			return DirectoryBackfill.KeyType.BYTES;
		}
		return DirectoryBackfill.KeyType.AUTO;
	}

	private String describe(ShardingStrategy current) {
		if (current instanceof RingShardingStrategy) {
			Map<String, Integer> ring = new TreeMap<>(this.weights);
			ring.keySet().removeAll(this.draining);
			return "the ring " + ring + (this.draining.isEmpty() ? "" : " (draining " + this.draining + ")");
		}
		return "the strategy " + current.getClass().getSimpleName();
	}

}
