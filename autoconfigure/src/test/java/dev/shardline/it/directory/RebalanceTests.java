package dev.shardline.it.directory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import dev.shardline.ShardMovingException;
import dev.shardline.ShardlineException;
import dev.shardline.actuate.ShardlineEndpoint;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.DirectoryKeys;
import dev.shardline.directory.DirectorySync;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.MoveHistory;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.rebalance.PlannedKey;
import dev.shardline.rebalance.RebalanceProgress;
import dev.shardline.rebalance.RebalanceStore;
import dev.shardline.rebalance.Rebalancer;
import dev.shardline.replication.ReplicationMonitor;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.routing.ShardRouter;
import dev.shardline.strategy.ShardingStrategy;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Bulk rebalancing on a real 3 x (primary + replica) topology whose keys were placed on two
 * shards: plans for adding and removing a shard; a run under writes that is paused, resumed,
 * and whose instance dies midway, finished by another instance without moving a key twice; a
 * run held back while a replica lags past half of max-lag; new keys kept off a draining shard.
 */
@RealTopology(shards = 3, replicas = 1, fresh = true)
class RebalanceTests {

	private static final HashRing TWO_SHARDS = new HashRing(Map.of("shard-0", 1, "shard-1", 1));

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static String[] settings(String table, String... more) {
		List<String> all = new ArrayList<>(List.of("shardline.directory.enabled=true", "shardline.directory.table=" + table,
				"shardline.directory.move-tables.ledger=customer_id", "shardline.replication.check-interval=250ms",
				"shardline.rebalance.lease=2s", "shardline.directory.move-stale-after=3s",
				"shardline.rebalance.batch-keys=3"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	/**
	 * Keys as a two-shard deployment left them: recorded on their two-shard owner, with 1 to 3 rows.
	 * @return rows per key
	 */
	private static Map<Long, Set<String>> placeOnTwoShards(ConfigurableApplicationContext app, long from, int count) {
		ShardDirectory directory = app.getBean(ShardDirectory.class);
		LedgerStore ledger = app.getBean(LedgerStore.class);
		Map<Long, Set<String>> rows = new HashMap<>();
		for (long key = from; key < from + count; key++) {
			directory.pin(key, TWO_SHARDS.shardFor(key));
			Set<String> ids = new HashSet<>();
			for (int i = 0; i <= key % 3; i++) {
				String id = UUID.randomUUID().toString();
				ledger.add(key, id, i);
				ids.add(id);
			}
			rows.put(key, ids);
		}
		return rows;
	}

	/** The endpoint as the actuator configuration builds it (its bean exists only where it is exposed). */
	private static ShardlineEndpoint endpoint(ConfigurableApplicationContext app) {
		return app.getBeanProvider(ShardlineEndpoint.class)
			.getIfAvailable(() -> new ShardlineEndpoint(app.getBean(ShardRouter.class), app.getBean(ShardingStrategy.class),
					app.getBean(RoutingStatistics.class), app.getBean(ReplicationMonitor.class),
					app.getBean(ShardDirectory.class), app.getBean(DirectorySync.class), app.getBean(KeyMover.class), null,
					app.getBean(Rebalancer.class)));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> rebalanceSection(ConfigurableApplicationContext app) {
		return (Map<String, Object>) endpoint(app).overview().get("rebalance");
	}

	@Test
	void plansListEveryKeyWhoseOwnerChangesForAddingAndForRemovingAShard(MySqlTopology topology) {
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				settings("dir_rebal_plan"))) {
			Map<Long, Set<String>> rows = placeOnTwoShards(app, 330_000_000, 60);
			RebalanceStore store = app.getBean(RebalanceStore.class);

			// Adding shard-2: keys whose three-shard owner is not where they are, with their rows.
			Map<String, Object> planned = endpoint(app).rebalancePlan("rebalance", "plan", "add");
			assertThat(planned).containsEntry("state", "planned").containsEntry("kind", "add");
			Set<PlannedKey> expected = new HashSet<>();
			for (Map.Entry<Long, Set<String>> key : rows.entrySet()) {
				String from = TWO_SHARDS.shardFor(key.getKey());
				String to = RoutedApplication.ownerOf(topology, key.getKey());
				if (!to.equals(from)) {
					expected.add(new PlannedKey(DirectoryKeys.text(key.getKey()), from, to, key.getValue().size()));
				}
			}
			assertThat(expected).isNotEmpty().allSatisfy((key) -> assertThat(key.to()).isEqualTo("shard-2"));
			long planId = ((Number) planned.get("planId")).longValue();
			assertThat(new HashSet<>(store.pending(planId))).isEqualTo(expected);
			assertThat(planned).containsEntry("keysTotal", (long) expected.size())
				.containsEntry("rowsTotal", expected.stream().mapToLong(PlannedKey::rows).sum())
				.containsEntry("keysDone", 0L);

			// One unfinished plan at a time.
			assertThatThrownBy(() -> endpoint(app).rebalancePlanShard("rebalance", "plan", "remove", "shard-1"))
				.isInstanceOf(ShardlineException.class)
				.hasMessageContaining("Another rebalance plan is unfinished (plan " + planId + ", planned)");
			assertThat(endpoint(app).nodeAction("rebalance", "cancel")).containsEntry("state", "cancelled");

			// Removing shard-1: its keys go to their owner in the ring of shard-0 and shard-2.
			HashRing withoutShard1 = new HashRing(Map.of("shard-0", 1, "shard-2", 1));
			Map<String, Object> removal = endpoint(app).rebalancePlanShard("rebalance", "plan", "remove", "shard-1");
			Set<PlannedKey> expectedRemoval = new HashSet<>();
			for (Map.Entry<Long, Set<String>> key : rows.entrySet()) {
				if (TWO_SHARDS.shardFor(key.getKey()).equals("shard-1")) {
					expectedRemoval.add(new PlannedKey(DirectoryKeys.text(key.getKey()), "shard-1",
							withoutShard1.shardFor(key.getKey()), key.getValue().size()));
				}
			}
			assertThat(expectedRemoval).extracting(PlannedKey::to).contains("shard-0", "shard-2");
			assertThat(new HashSet<>(store.pending(((Number) removal.get("planId")).longValue())))
				.isEqualTo(expectedRemoval);
			assertThat(endpoint(app).nodeAction("rebalance", "cancel")).containsEntry("state", "cancelled");
			assertThatThrownBy(() -> endpoint(app).rebalancePlanShard("rebalance", "plan", "remove", "shard-9"))
				.hasMessageContaining("shard-9");
		}
	}

	@Test
	void aRunUnderWritesIsPausedResumedAndFinishedByAnotherInstanceAfterItsOwnerDies(MySqlTopology topology)
			throws Exception {
		// One key per batch: the plan takes many batches, so the pause, the resume and the owner's death
		// each fall while keys are still pending, however fast the machine is.
		String[] settings = settings("dir_rebal_run", "shardline.rebalance.batch-keys=1");
		try (ConfigurableApplicationContext b = RoutedApplication.start(topology, CrashingApp.class, settings)) {
			Map<Long, Set<String>> rows = placeOnTwoShards(b, 340_000_000, 60);
			List<Long> keys = new ArrayList<>(rows.keySet());
			long moving = keys.stream().filter((k) -> !RoutedApplication.ownerOf(topology, k).equals(TWO_SHARDS.shardFor(k)))
				.count();
			Writers writers = new Writers(b.getBean(LedgerStore.class), keys);
			ConfigurableApplicationContext a = RoutedApplication.start(topology, CrashingApp.class, settings);
			try (writers) {
				writers.start();
				await().atMost(Duration.ofSeconds(20)).until(() -> writers.acknowledged.get() > 100);
				endpoint(a).rebalancePlan("rebalance", "plan", "add");
				assertThat(endpoint(a).nodeAction("rebalance", "start")).containsEntry("state", "running")
					.containsEntry("owner", a.getBean(Rebalancer.class).instanceId());
				await().atMost(Duration.ofSeconds(60)).until(() -> done(b) >= 3);

				// Paused from the other instance: the batch in flight finishes, then nothing moves.
				assertThat(endpoint(b).nodeAction("rebalance", "pause")).containsEntry("state", "paused");
				await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(30))
					.until(() -> a.getBean(Rebalancer.class).batchesInFlight() == 0);
				long pausedAt = done(b);
				await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> done(b) == pausedAt);
				assertThat(pausedAt).isLessThan(moving);

				// Resumed: its owner (whose lease still holds) goes on.
				assertThat(endpoint(b).nodeAction("rebalance", "resume")).containsEntry("state", "running");
				await().atMost(Duration.ofSeconds(60)).until(() -> done(b) >= pausedAt + 3);
				assertThat(rebalanceSection(b)).containsEntry("owner", a.getBean(Rebalancer.class).instanceId());

				// The owner dies: it stops renewing its lease, and the move in flight (if any) crashes.
				a.getBean(Rebalancer.class).suspend();
				a.getBean(CrashingApp.Listener.class).crash = true;
				a.close();
				assertThat(done(b)).isLessThan(moving);

				// The other instance takes the plan over when the lease runs out and finishes it.
				await().atMost(Duration.ofSeconds(90)).until(() -> "done".equals(rebalanceSection(b).get("state")));
				Map<String, Object> finished = rebalanceSection(b);
				assertThat(finished).containsEntry("owner", b.getBean(Rebalancer.class).instanceId())
					.containsEntry("keysDone", moving)
					.containsEntry("keysTotal", moving)
					.containsEntry("keysFailed", 0L);
				long afterDone = writers.acknowledged.get();
				await().atMost(Duration.ofSeconds(20)).until(() -> writers.acknowledged.get() > afterDone + 50);
			}
			finally {
				a.close();
			}
			assertThat(writers.unexpected).as("writers' errors other than refusals while fenced").isEmpty();
			// Flips as the directory's change log recorded them (MOVING, then CLEANING on the target),
			// whatever the mover does in between: every planned key exactly once.
			Map<String, Integer> flips = flipsInChangeLog(topology, "dir_rebal_run");
			Map<String, Integer> twice = new HashMap<>(flips);
			twice.values().removeIf((count) -> count == 1);
			assertThat(twice).as("keys moved more than once").isEmpty();
			assertThat(flips).as("keys moved").hasSize((int) moving);
			ShardDirectory directory = b.getBean(ShardDirectory.class);
			for (long key : keys) {
				String owner = RoutedApplication.ownerOf(topology, key);
				DirectoryEntry entry = directory.entry(key).orElseThrow();
				assertThat(entry.state()).isEqualTo(DirectoryEntry.State.ACTIVE);
				assertThat(entry.shard()).as("owner of %s", key).isEqualTo(owner);
				Set<String> expected = new HashSet<>(rows.get(key));
				expected.addAll(writers.acknowledgedIds.getOrDefault(key, Set.of()));
				List<String> onOwner = Ledgers.ids(shard(topology, owner).primary(), key);
				assertThat(onOwner).as("rows of %s on its owner", key).doesNotHaveDuplicates();
				assertThat(new HashSet<>(onOwner)).as("rows of %s on its owner", key).isEqualTo(expected);
				for (String other : List.of("shard-0", "shard-1", "shard-2")) {
					if (!other.equals(owner)) {
						assertThat(Ledgers.ids(shard(topology, other).primary(), key)).as("rows of %s on %s", key, other)
							.isEmpty();
					}
				}
			}
		}
	}

	/** Per key, how often its entry went from MOVING to CLEANING (a flip) in the directory's change log. */
	private static Map<String, Integer> flipsInChangeLog(MySqlTopology topology, String table) throws Exception {
		Map<String, Integer> flips = new HashMap<>();
		Map<String, String> previous = new HashMap<>();
		try (java.sql.Connection connection = shard(topology, "shard-0").primary().openConnection();
				java.sql.Statement statement = connection.createStatement();
				java.sql.ResultSet rs = statement.executeQuery("SELECT shard_key, state FROM " + table + "_log ORDER BY seq")) {
			while (rs.next()) {
				String key = rs.getString(1);
				String state = rs.getString(2);
				if ("CLEANING".equals(state) && "MOVING".equals(previous.get(key))) {
					flips.merge(key, 1, Integer::sum);
				}
				previous.put(key, state);
			}
		}
		return flips;
	}

	private static long done(ConfigurableApplicationContext app) {
		return ((Number) rebalanceSection(app).get("keysDone")).longValue();
	}

	@Test
	void batchesWaitWhileAReplicaLagsPastHalfOfMaxLagAndResumeWhenItCatchesUp(MySqlTopology topology)
			throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		TopologyNode replica = shard(topology, "shard-2").replica(0);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				settings("dir_rebal_throttle", "spring.main.web-application-type=servlet", "server.port=0",
						"management.endpoints.web.exposure.include=shardline,metrics",
						"management.endpoint.shardline.access=unrestricted", "shardline.replication.max-lag=2s"))) {
			String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
			Map<Long, Set<String>> rows = placeOnTwoShards(app, 350_000_000, 15);
			long moving = rows.keySet().stream()
				.filter((k) -> !RoutedApplication.ownerOf(topology, k).equals(TWO_SHARDS.shardFor(k)))
				.count();
			ShardNode monitored = app.getBean(Topology.class).shard("shard-2").replicas().get(0);
			replica.stopReplicaSqlThread();
			try {
				// Past half of max-lag (1 s) as the monitor sees it.
				await().atMost(Duration.ofSeconds(20)).until(() -> monitored.health().lagNanos() > 1_200_000_000L
						|| monitored.health().lagNanos() < 0);
				assertThat(post(http, base + "/actuator/shardline/rebalance/plan/add")).isEqualTo(200);
				assertThat(post(http, base + "/actuator/shardline/rebalance/start")).isEqualTo(200);
				await().atMost(Duration.ofSeconds(20)).until(() -> {
					JsonNode rebalance = get(http, base + "/actuator/shardline").path("rebalance");
					return rebalance.path("throttledSeconds").asDouble() >= 2;
				});
				JsonNode waiting = get(http, base + "/actuator/shardline").path("rebalance");
				assertThat(waiting.path("state").asText()).isEqualTo("running");
				assertThat(waiting.path("keysDone").asLong()).isZero();
				assertThat(waiting.path("throttledBy").asText()).contains("shardline-shard-2-replica-0");
			}
			finally {
				replica.startReplicaSqlThread();
			}
			await().atMost(Duration.ofSeconds(60))
				.until(() -> "done".equals(get(http, base + "/actuator/shardline").path("rebalance").path("state").asText()));
			JsonNode done = get(http, base + "/actuator/shardline").path("rebalance");
			assertThat(done.path("keysDone").asLong()).isEqualTo(moving);
			assertThat(done.path("throttledSeconds").asDouble()).isGreaterThanOrEqualTo(2);
			JsonNode throttled = get(http, base + "/actuator/metrics/shardline.rebalance.throttled");
			assertThat(measurement(throttled, "TOTAL_TIME")).isGreaterThanOrEqualTo(2);
			assertThat(measurement(get(http, base + "/actuator/metrics/shardline.rebalance.keys?tag=state:done"), "VALUE"))
				.isEqualTo(moving);
			assertThat(measurement(get(http, base + "/actuator/metrics/shardline.rebalance.rows?tag=state:total"), "VALUE"))
				.isPositive();
			for (long key : rows.keySet()) {
				assertThat(app.getBean(ShardDirectory.class).entry(key).orElseThrow().shard())
					.isEqualTo(RoutedApplication.ownerOf(topology, key));
			}
		}
	}

	@Test
	void moreWorkersThanPairsRunAPairsBatchesSideBySide(MySqlTopology topology) throws Exception {
		// Adding shard-2 makes two pairs (shard-0 and shard-1 to shard-2); four workers may run two
		// batches of each at once.
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				settings("dir_rebal_lanes", "shardline.rebalance.workers=4", "shardline.rebalance.batch-keys=1",
						"shardline.rebalance.nice-ratio=0"))) {
			Map<Long, Set<String>> rows = placeOnTwoShards(app, 370_000_000, 45);
			Rebalancer rebalancer = app.getBean(Rebalancer.class);
			endpoint(app).rebalancePlan("rebalance", "plan", "add");
			java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
			endpoint(app).nodeAction("rebalance", "start");
			await().pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(180)).until(() -> {
				most.accumulateAndGet(rebalancer.batchesInFlight(), Math::max);
				return "done".equals(rebalanceSection(app).get("state"));
			});
			assertThat(most.get()).as("batches in flight at once, two pairs").isGreaterThanOrEqualTo(3);
			assertThat(rebalanceSection(app)).containsEntry("keysFailed", 0L);
			assertEveryKeyOnItsOwner(topology, app, rows);
		}
	}

	@Test
	void aWorkerPausesNiceRatioTimesEachBatchBeforeTheNext(MySqlTopology topology) {
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				settings("dir_rebal_nice", "shardline.rebalance.workers=1", "shardline.rebalance.batch-keys=1",
						"shardline.rebalance.nice-ratio=2"))) {
			Map<Long, Set<String>> rows = placeOnTwoShards(app, 380_000_000, 24);
			endpoint(app).rebalancePlan("rebalance", "plan", "add");
			endpoint(app).nodeAction("rebalance", "start");
			await().atMost(Duration.ofSeconds(180)).until(() -> "done".equals(rebalanceSection(app).get("state")));
			List<MoveHistory.Record> batches = new ArrayList<>(app.getBean(KeyMover.class).history().recent());
			batches.removeIf((record) -> record.outcome() != MoveHistory.Outcome.MOVED);
			batches.sort(java.util.Comparator.comparing(MoveHistory.Record::at));
			assertThat(batches).hasSizeGreaterThanOrEqualTo(3);
			for (int i = 1; i < batches.size(); i++) {
				MoveHistory.Record previous = batches.get(i - 1);
				MoveHistory.Record next = batches.get(i);
				Duration gap = Duration.between(previous.at(), next.at().minus(next.duration()));
				// the pause is twice the whole batch (which includes the move); 10 ms for the clocks
				assertThat(gap).as("gap after a batch of %d ms", previous.duration().toMillis())
					.isGreaterThanOrEqualTo(previous.duration().multipliedBy(2).minusMillis(10));
			}
			assertEveryKeyOnItsOwner(topology, app, rows);
		}
	}

	@Test
	void stoppingTheInstanceEndsAWorkersPauseAtOnce(MySqlTopology topology) {
		ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				settings("dir_rebal_stop", "shardline.rebalance.workers=1", "shardline.rebalance.batch-keys=1",
						"shardline.rebalance.nice-ratio=100", "shardline.rebalance.lease=10s"));
		try {
			placeOnTwoShards(app, 390_000_000, 12);
			endpoint(app).rebalancePlan("rebalance", "plan", "add");
			endpoint(app).nodeAction("rebalance", "start");
			// after its first batch the worker pauses 100 times that batch (many seconds)
			await().atMost(Duration.ofSeconds(60)).until(() -> done(app) >= 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> app.getBean(Rebalancer.class).batchesInFlight() == 0);
		}
		finally {
			long started = System.nanoTime();
			app.close();
			// A stop waits up to the lease (10 s) for the workers; the pause ends within a slice of it.
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		}
	}

	/** Every key's entry is ACTIVE on its owner in the 3-shard ring, with exactly its rows there and none elsewhere. */
	private static void assertEveryKeyOnItsOwner(MySqlTopology topology, ConfigurableApplicationContext app,
			Map<Long, Set<String>> rows) {
		ShardDirectory directory = app.getBean(ShardDirectory.class);
		rows.forEach((key, ids) -> {
			String owner = RoutedApplication.ownerOf(topology, key);
			DirectoryEntry entry = directory.entry(key).orElseThrow();
			assertThat(entry.state()).isEqualTo(DirectoryEntry.State.ACTIVE);
			assertThat(entry.shard()).as("owner of %s", key).isEqualTo(owner);
			assertThat(new HashSet<>(Ledgers.ids(shard(topology, owner).primary(), key))).as("rows of %s", key).isEqualTo(ids);
			for (String other : List.of("shard-0", "shard-1", "shard-2")) {
				if (!other.equals(owner)) {
					assertThat(Ledgers.ids(shard(topology, other).primary(), key)).as("rows of %s on %s", key, other).isEmpty();
				}
			}
		});
	}

	@Test
	void aDrainingShardGetsNoNewKeysAndIsNeverATarget(MySqlTopology topology) {
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				settings("dir_rebal_drain", "shardline.directory.assign-on-first-write=true",
						"shardline.rebalance.draining=shard-1"))) {
			HashRing withoutShard1 = new HashRing(Map.of("shard-0", 1, "shard-2", 1));
			ShardDirectory directory = app.getBean(ShardDirectory.class);
			LedgerStore ledger = app.getBean(LedgerStore.class);
			int ringOnShard1 = 0;
			for (long key = 360_000_000; key < 360_000_030; key++) {
				ringOnShard1 += RoutedApplication.ownerOf(topology, key).equals("shard-1") ? 1 : 0;
				ledger.add(key, UUID.randomUUID().toString(), 1);
				String expected = RoutedApplication.ownerOf(topology, key).equals("shard-1") ? withoutShard1.shardFor(key)
						: RoutedApplication.ownerOf(topology, key);
				assertThat(directory.entry(key).orElseThrow().shard()).as("first write of %s", key).isEqualTo(expected);
				assertThat(Ledgers.ids(shard(topology, expected).primary(), key)).hasSize(1);
			}
			assertThat(ringOnShard1).isPositive();
			// Keys already on the draining shard: an 'add' plan moves them off it, never onto it.
			for (long key = 360_100_000; key < 360_100_030; key++) {
				directory.pin(key, "shard-1");
			}
			Map<String, Object> plan = endpoint(app).rebalancePlan("rebalance", "plan", "add");
			List<PlannedKey> keys = app.getBean(RebalanceStore.class).pending(((Number) plan.get("planId")).longValue());
			assertThat(keys).hasSize(30).allSatisfy((key) -> {
				assertThat(key.from()).isEqualTo("shard-1");
				assertThat(key.to()).isEqualTo(withoutShard1.shardFor(DirectoryKeys.parse(key.key())));
			});
			endpoint(app).nodeAction("rebalance", "cancel");
		}
	}

	private static double measurement(JsonNode metric, String statistic) {
		for (JsonNode measurement : metric.path("measurements")) {
			if (statistic.equals(measurement.path("statistic").asText())) {
				return measurement.path("value").asDouble();
			}
		}
		throw new AssertionError("No " + statistic + " in " + metric);
	}

	private static JsonNode get(HttpClient http, String url) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private static int post(HttpClient http, String url) throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
		return response.statusCode();
	}

	/** The JDBC application with a step listener that can crash its mover. */
	@Configuration(proxyBeanMethods = false)
	@Import(JdbcApp.class)
	static class CrashingApp {

		@Bean
		Listener countingListener() {
			return new Listener();
		}

		static final class Listener implements KeyMover.StepListener {

			volatile boolean crash;

			@Override
			public void before(KeyMover.Step step, String key) {
				if (this.crash) {
					throw new SimulatedCrash(step);
				}
			}

		}

	}

	/** A crash of the mover's thread: not an exception it handles. */
	static final class SimulatedCrash extends Error {

		private static final long serialVersionUID = 1L;

		SimulatedCrash(KeyMover.Step step) {
			super("simulated crash before " + step);
		}

	}

	/** One writer inserting rows of every key in turn, recording what was acknowledged. */
	static final class Writers implements AutoCloseable {

		final Map<Long, Set<String>> acknowledgedIds = new ConcurrentHashMap<>();

		final AtomicLong acknowledged = new AtomicLong();

		final AtomicLong refused = new AtomicLong();

		final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final ExecutorService thread = Executors.newSingleThreadExecutor();

		private final LedgerStore ledger;

		private final List<Long> keys;

		Writers(LedgerStore ledger, List<Long> keys) {
			this.ledger = ledger;
			this.keys = keys;
		}

		void start() {
			this.thread.execute(() -> {
				int i = 0;
				while (this.running.get()) {
					long key = this.keys.get(i++ % this.keys.size());
					String id = UUID.randomUUID().toString();
					try {
						this.ledger.add(key, id, i);
						this.acknowledgedIds.computeIfAbsent(key, (k) -> ConcurrentHashMap.newKeySet()).add(id);
						this.acknowledged.incrementAndGet();
					}
					catch (ShardMovingException ex) {
						this.refused.incrementAndGet();
					}
					catch (RuntimeException ex) {
						this.unexpected.add(key + ": " + ex);
					}
				}
			});
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.thread.shutdown();
			assertThat(this.thread.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}

	}

}
