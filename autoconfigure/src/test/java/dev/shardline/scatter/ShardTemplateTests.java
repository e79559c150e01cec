package dev.shardline.scatter;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import dev.shardline.ShardlineException;
import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import dev.shardline.topology.NodeHealth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.shardline.it.RoutedApplication.ownerOf;
import static dev.shardline.scatter.ScatterFixture.assertRunningTogether;
import static dev.shardline.scatter.ScatterFixture.execute;
import static dev.shardline.scatter.ScatterFixture.inBackground;
import static dev.shardline.scatter.ScatterFixture.queryLong;
import static dev.shardline.scatter.ScatterFixture.queryLongs;
import static dev.shardline.scatter.ScatterFixture.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Scatter-gather on a real two-shard topology: merged results against the rows put on each
 * shard, replicas serving read-only scatters, parallelism seen in the servers' process lists,
 * the failure policies, timeouts and keyed batches. Tables are this class's own (random
 * names), dropped at the end, so the shared topology is left as found.
 */
@RealTopology(shards = 2, replicas = 1)
class ShardTemplateTests {

	private static final String SUFFIX = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);

	private static final String ITEMS = "scatter_items_" + SUFFIX;

	private static final String KEYED = "scatter_keyed_" + SUFFIX;

	/** Exists on shard-1 only, so work reading it fails on shard-0. */
	private static final String LONE = "scatter_lone_" + SUFFIX;

	private static final RowMapper<Item> ITEM = (rs, row) -> new Item(rs.getLong("id"), rs.getString("shard"),
			rs.getLong("amount"));

	private static final Comparator<Item> LARGEST_FIRST = Comparator.comparingLong(Item::amount)
		.reversed()
		.thenComparingLong(Item::id);

	private static final Map<String, List<Item>> rowsByShard = new LinkedHashMap<>();

	private static ScatterFixture fixture;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void start(MySqlTopology topology) {
		Random random = new Random(42);
		long id = 1;
		for (TopologyShard shard : topology.shards()) {
			execute(shard.primary(),
					"CREATE TABLE " + ITEMS
							+ " (id BIGINT PRIMARY KEY, shard VARCHAR(20) NOT NULL, amount BIGINT NOT NULL)",
					"CREATE TABLE " + KEYED + " (id BIGINT PRIMARY KEY, written_on VARCHAR(20) NOT NULL)");
			List<Item> rows = new ArrayList<>();
			for (int i = 0; i < 30 + 10 * shard.index(); i++) {
				rows.add(new Item(id++, shard.name(), random.nextInt(100_000)));
			}
			execute(shard.primary(), "INSERT INTO " + ITEMS + " VALUES " + rows.stream()
				.map((row) -> "(" + row.id() + ", '" + row.shard() + "', " + row.amount() + ")")
				.collect(Collectors.joining(", ")));
			rowsByShard.put(shard.name(), rows);
		}
		execute(topology.shard(1).primary(), "CREATE TABLE " + LONE + " (id BIGINT)",
				"INSERT INTO " + LONE + " VALUES (1), (2), (3)");
		topology.awaitReplicationCaughtUp();
		fixture = ScatterFixture.start(topology);
		jdbc = fixture.jdbc;
	}

	@AfterAll
	static void stop(MySqlTopology topology) throws Exception {
		try {
			if (fixture != null) {
				fixture.close();
			}
		}
		finally {
			for (TopologyShard shard : topology.shards()) {
				execute(shard.primary(), "DROP TABLE IF EXISTS " + ITEMS, "DROP TABLE IF EXISTS " + KEYED,
						"DROP TABLE IF EXISTS " + LONE);
			}
		}
	}

	@Test
	void mergedResultsMatchTheRowsOnEveryShard() {
		ShardTemplate reads = fixture.template.readOnly();
		List<Item> all = rowsByShard.values().stream().flatMap(List::stream).toList();

		assertThat(reads.sumLong(jdbc, "SELECT COUNT(*) FROM " + ITEMS).value()).isEqualTo(all.size());
		assertThat(reads.sumLong(jdbc, "SELECT SUM(amount) FROM " + ITEMS).value())
			.isEqualTo(all.stream().mapToLong(Item::amount).sum());
		assertThat(reads.sumLong(jdbc, "SELECT COUNT(*) FROM " + ITEMS + " WHERE amount >= ?", 50_000).value())
			.isEqualTo(all.stream().filter((item) -> item.amount() >= 50_000).count());
		assertThat(reads.sumLong(jdbc, "SELECT SUM(amount) FROM " + ITEMS + " WHERE amount < 0").value())
			.as("SUM over no rows is NULL on every shard").isZero();

		ScatterResult<Map<String, Long>> counts = reads
			.scatter((shard) -> jdbc.queryForObject("SELECT COUNT(*) FROM " + ITEMS, Long.class));
		assertThat(counts.value()).containsExactly(entry("shard-0", 30L), entry("shard-1", 40L));
		assertThat(counts.map(ShardMerge::sum).value()).isEqualTo(70L);
		assertThat(counts.isComplete()).isTrue();

		ScatterResult<List<Item>> rows = reads.queryForList(jdbc,
				"SELECT id, shard, amount FROM " + ITEMS + " ORDER BY id", ITEM);
		assertThat(rows.value()).as("every shard's rows, in shard order").containsExactlyElementsOf(all);
		assertThat(rows.shards()).containsExactly("shard-0", "shard-1");

		assertThat(reads.min((shard) -> jdbc.queryForObject("SELECT MIN(amount) FROM " + ITEMS, Long.class)).value())
			.contains(all.stream().mapToLong(Item::amount).min().orElseThrow());
		assertThat(reads.max((shard) -> jdbc.queryForObject("SELECT MAX(amount) FROM " + ITEMS, Long.class)).value())
			.contains(all.stream().mapToLong(Item::amount).max().orElseThrow());
		assertThat(reads
			.max((shard) -> jdbc.queryForObject("SELECT MAX(amount) FROM " + ITEMS + " WHERE amount < 0", Long.class))
			.value()).as("no shard has a value").isEmpty();

		List<Item> top10 = all.stream().sorted(LARGEST_FIRST).limit(10).toList();
		assertThat(top10).extracting(Item::shard).as("the test needs a top 10 from both shards")
			.contains("shard-0", "shard-1");
		assertThat(reads.queryTop(jdbc, "SELECT id, shard, amount FROM " + ITEMS + " ORDER BY amount DESC, id LIMIT ?",
				ITEM, LARGEST_FIRST, 10, 10).value()).containsExactlyElementsOf(top10);
		Comparator<Item> smallestFirst = Comparator.comparingLong(Item::amount).thenComparingLong(Item::id);
		assertThat(reads.top(5, smallestFirst,
				(shard) -> jdbc.query("SELECT id, shard, amount FROM " + ITEMS + " ORDER BY amount, id LIMIT 5", ITEM))
			.value()).containsExactlyElementsOf(all.stream().sorted(smallestFirst).limit(5).toList());
	}

	@Test
	void readOnlyScattersAreServedByReplicasOthersByPrimaries(MySqlTopology topology) {
		Map<String, Long> primaries = new LinkedHashMap<>();
		Map<String, Long> replicas = new LinkedHashMap<>();
		for (TopologyShard shard : topology.shards()) {
			primaries.put(shard.name(), (long) shard.primary().serverId());
			replicas.put(shard.name(), (long) shard.replica(0).serverId());
		}
		// Replicas serve reads once the monitor has measured their lag.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> fixture.shardline.shards()
				.stream()
				.flatMap((shard) -> shard.replicas().stream())
				.allMatch((replica) -> replica.health().state() == NodeHealth.State.UP));
		ShardCallback<Long> serverId = (shard) -> jdbc.queryForObject("SELECT @@server_id", Long.class);
		for (int i = 0; i < 5; i++) {
			assertThat(fixture.template.readOnly().scatter(serverId).value()).isEqualTo(replicas);
			assertThat(fixture.template.scatter(serverId).value()).isEqualTo(primaries);
		}
	}

	@Test
	void everyShardRunsItsPartAtTheSameTime(MySqlTopology topology) throws Exception {
		String marker = "scatter-probe-" + UUID.randomUUID();
		List<Connection> admins = new ArrayList<>();
		try {
			for (TopologyShard shard : topology.shards()) {
				admins.add(shard.primary().openAdminConnection());
			}
			// Not read-only: the primaries, where the process lists are read, run it.
			CompletableFuture<ScatterResult<Map<String, Integer>>> scatter = inBackground(() -> fixture.template
				.scatter((shard) -> jdbc.queryForObject("SELECT SLEEP(2) /* " + marker + " */", Integer.class)));
			await().atMost(Duration.ofMillis(2500))
				.pollInterval(Duration.ofMillis(20))
				.untilAsserted(() -> assertRunningTogether(admins, marker));
			assertThat(scatter.get(10, TimeUnit.SECONDS).value()).containsExactly(entry("shard-0", 0),
					entry("shard-1", 0));
		}
		finally {
			for (Connection admin : admins) {
				admin.close();
			}
		}
	}

	@Test
	void aFailingShardFailsTheCallOrIsReportedBesideTheOthersResults() {
		ShardCallback<Long> countLone = (shard) -> jdbc.queryForObject("SELECT COUNT(*) FROM " + LONE, Long.class);
		fixture.completed.clear();

		assertThatExceptionOfType(ScatterException.class).isThrownBy(() -> fixture.template.scatter(countLone))
			.withMessageContaining("shard-0 failed")
			.withMessageContaining(LONE + "' doesn't exist")
			.satisfies((ex) -> {
				assertThat(ex.failedShards()).containsExactly("shard-0");
				assertThat(ex.failures().get(0).timedOut()).isFalse();
				assertThat(ex.getCause()).isInstanceOf(BadSqlGrammarException.class);
			});

		ScatterResult<Map<String, Long>> partial = fixture.template.partial().scatter(countLone);
		assertThat(partial.value()).containsExactly(entry("shard-1", 3L));
		assertThat(partial.shards()).containsExactly("shard-1");
		assertThat(partial.isComplete()).isFalse();
		assertThat(partial.failures()).singleElement().satisfies((failure) -> {
			assertThat(failure.shard()).isEqualTo("shard-0");
			assertThat(failure.timedOut()).isFalse();
			assertThat(failure.cause()).isInstanceOf(BadSqlGrammarException.class);
		});

		ScatterResult<Long> sum = fixture.template.readOnly().partial().sumLong(jdbc, "SELECT COUNT(*) FROM " + LONE);
		assertThat(sum.value()).isEqualTo(3L);
		assertThat(sum.failedShards()).containsExactly("shard-0");

		fixture.template.scatter((shard) -> jdbc.queryForObject("SELECT COUNT(*) FROM " + ITEMS, Long.class));
		assertThat(fixture.completed).as("the listener's calls").containsExactly("2:true", "2:true", "2:true", "2:false");
	}

	@Test
	void aShardPastTheTimeoutIsReportedAndItsStatementStopped(MySqlTopology topology) {
		TopologyNode slow = topology.shard(1).primary();
		String marker = "scatter-timeout-" + UUID.randomUUID();
		String sql = "SELECT SLEEP(IF(@@server_id = ?, 20, 0)) + 5 /* " + marker + " */";
		// 1.2 s for the scatter: the statement's own query timeout is 2 s (whole seconds).
		ShardTemplate hurried = fixture.template.timeout(Duration.ofMillis(1200));

		ScatterResult<Long> result = hurried.partial().sumLong(jdbc, sql, slow.serverId());
		assertThat(running(slow, marker)).as("still running on the server when the call returned").hasSize(1);
		assertThat(result.value()).as("shard-0's answer").isEqualTo(5L);
		assertThat(result.shards()).containsExactly("shard-0");
		assertThat(result.failures()).singleElement().satisfies((failure) -> {
			assertThat(failure.shard()).isEqualTo("shard-1");
			assertThat(failure.timedOut()).isTrue();
			assertThat(failure.cause()).isInstanceOf(TimeoutException.class);
		});
		// The server stops the statement long before its 20 s ...
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(running(slow, marker)).isEmpty());
		// ... so the pool's threads are free: a scatter needing all of them completes.
		assertThat(fixture.template.timeout(Duration.ofSeconds(2))
			.scatter((shard) -> jdbc.queryForObject("SELECT 1", Integer.class))
			.isComplete()).isTrue();

		assertThatExceptionOfType(ScatterException.class).isThrownBy(() -> hurried.sumLong(jdbc, sql, slow.serverId()))
			.withMessageContaining("shard-1 timed out")
			.satisfies((ex) -> assertThat(ex.failures()).singleElement()
				.satisfies((failure) -> assertThat(failure.timedOut()).isTrue()));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(running(slow, marker)).isEmpty());
	}

	@Test
	void keyedBatchesGoOnlyToTheShardsThatOwnTheKeys(MySqlTopology topology) {
		List<Long> keys = LongStream.range(1000, 1040).boxed().toList();
		Map<String, List<Long>> owned = new LinkedHashMap<>();
		for (TopologyShard shard : topology.shards()) {
			owned.put(shard.name(), keys.stream().filter((key) -> ownerOf(topology, key).equals(shard.name())).toList());
			assertThat(owned.get(shard.name())).as("keys on " + shard.name()).isNotEmpty();
		}

		ScatterResult<Map<String, int[]>> written = fixture.template.forKeys(keys,
				(shard, batch) -> jdbc.batchUpdate("INSERT INTO " + KEYED + " (id, written_on) VALUES (?, ?)",
						batch.stream().map((key) -> new Object[] { key, shard }).toList()));
		assertThat(written.shards()).containsExactly("shard-0", "shard-1");
		for (TopologyShard shard : topology.shards()) {
			assertThat(queryLongs(shard.primary(), "SELECT id FROM " + KEYED + " ORDER BY id"))
				.as("rows on " + shard.name() + "'s primary")
				.containsExactlyElementsOf(owned.get(shard.name()));
			assertThat(queryLong(shard.primary(),
					"SELECT COUNT(*) FROM " + KEYED + " WHERE written_on <> '" + shard.name() + "'"))
				.isZero();
		}

		topology.awaitReplicationCaughtUp();
		ScatterResult<List<Long>> found = fixture.template.readOnly()
			.collectForKeys(keys,
					(shard, batch) -> jdbc.queryForList("SELECT id FROM " + KEYED + " WHERE id IN ("
							+ String.join(", ", Collections.nCopies(batch.size(), "?")) + ")", Long.class,
							batch.toArray()));
		assertThat(found.value()).containsExactlyInAnyOrderElementsOf(keys);

		ScatterResult<Map<String, List<Long>>> batches = fixture.template.readOnly()
			.forKeys(owned.get("shard-1"), (shard, batch) -> batch);
		assertThat(batches.shards()).as("only the shard owning the keys is asked").containsExactly("shard-1");
		assertThat(batches.value()).containsExactly(entry("shard-1", owned.get("shard-1")));

		assertThatExceptionOfType(ShardlineException.class)
			.isThrownBy(() -> fixture.template.onShards("shard-1").forKeys(keys, (shard, batch) -> batch))
			.withMessageContaining("belongs to shard 'shard-0'");
	}

	@Test
	void scatterWorkIsNotPartOfTheCallersTransaction(MySqlTopology topology) {
		long key = LongStream.iterate(5000, (k) -> k + 1)
			.filter((k) -> ownerOf(topology, k).equals("shard-0"))
			.findFirst()
			.orElseThrow();
		ShardRouting routing = fixture.context.getBean(ShardRouting.class);
		TransactionTemplate transaction = new TransactionTemplate(
				fixture.context.getBean(PlatformTransactionManager.class));
		transaction.executeWithoutResult((status) -> {
			routing.onShard(key)
				.run(() -> jdbc.update("INSERT INTO " + KEYED + " (id, written_on) VALUES (?, 'caller')", key));
			// The transaction is bound to shard-0, yet the scatter reaches shard-1 too, on its own
			// connections, which do not see the transaction's uncommitted row.
			assertThat(fixture.template
				.scatter((shard) -> jdbc.queryForObject("SELECT COUNT(*) FROM " + KEYED + " WHERE id = ?", Long.class,
						key))
				.value()).containsExactly(entry("shard-0", 0L), entry("shard-1", 0L));
			status.setRollbackOnly();
		});
		assertThat(queryLong(topology.shard(0).primary(), "SELECT COUNT(*) FROM " + KEYED + " WHERE id = " + key))
			.isZero();
	}

	@Test
	void onShardsLimitsTheScatter() {
		ScatterResult<Map<String, String>> one = fixture.template.onShards("shard-1").scatter((shard) -> shard);
		assertThat(one.value()).containsExactly(entry("shard-1", "shard-1"));
		assertThatExceptionOfType(ShardlineException.class).isThrownBy(() -> fixture.template.onShards("shard-9"))
			.withMessageContaining("shard-9");
	}

	record Item(long id, String shard, long amount) {
	}

}
