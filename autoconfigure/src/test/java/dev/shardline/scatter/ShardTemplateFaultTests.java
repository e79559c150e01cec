package dev.shardline.scatter;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.shardline.ShardUnavailableException;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import dev.shardline.topology.NodeHealth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static dev.shardline.scatter.ScatterFixture.assertRunningTogether;
import static dev.shardline.scatter.ScatterFixture.execute;
import static dev.shardline.scatter.ScatterFixture.inBackground;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Scatter-gather on a three-shard topology of its own: all three shards at work at once, and
 * a primary killed with SIGKILL under both failure policies.
 */
@RealTopology(shards = 3, replicas = 1, fresh = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardTemplateFaultTests {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	private static ScatterFixture fixture;

	@BeforeAll
	static void start(MySqlTopology topology) {
		fixture = ScatterFixture.start(topology,
				"shardline.replication.connect-timeout=" + CONNECT_TIMEOUT.toMillis() + "ms",
				"shardline.replication.check-interval=250ms");
	}

	@AfterAll
	static void stop() throws Exception {
		if (fixture != null) {
			fixture.close();
		}
	}

	@Test
	@Order(1)
	void threeShardsRunTheirPartsAtTheSameTimeAndAddUp(MySqlTopology topology) throws Exception {
		long expected = 0;
		for (TopologyShard shard : topology.shards()) {
			int rows = 3 + shard.index();
			for (int i = 0; i < rows; i++) {
				execute(shard.primary(), "INSERT INTO orders (customer_id, amount) VALUES (" + i + ", 100)");
			}
			expected += rows;
		}
		assertThat(fixture.template.sumLong(fixture.jdbc, "SELECT COUNT(*) FROM orders").value()).isEqualTo(expected);

		String marker = "scatter-probe-" + UUID.randomUUID();
		List<Connection> admins = new ArrayList<>();
		try {
			for (TopologyShard shard : topology.shards()) {
				admins.add(shard.primary().openAdminConnection());
			}
			CompletableFuture<ScatterResult<Map<String, Integer>>> scatter = inBackground(() -> fixture.template
				.scatter((shard) -> fixture.jdbc.queryForObject("SELECT SLEEP(2) /* " + marker + " */", Integer.class)));
			await().atMost(Duration.ofMillis(2500))
				.pollInterval(Duration.ofMillis(20))
				.untilAsserted(() -> assertRunningTogether(admins, marker));
			assertThat(scatter.get(10, TimeUnit.SECONDS).value()).containsOnlyKeys("shard-0", "shard-1", "shard-2");
		}
		finally {
			for (Connection admin : admins) {
				admin.close();
			}
		}
	}

	@Test
	@Order(2)
	void aKilledPrimaryFailsTheCallOrIsReportedBesideTheOthersResults(MySqlTopology topology) {
		TopologyNode dead = topology.shard(1).primary();
		Map<String, Long> primaries = new LinkedHashMap<>();
		for (TopologyShard shard : topology.shards()) {
			primaries.put(shard.name(), (long) shard.primary().serverId());
		}
		ShardCallback<Long> serverId = (shard) -> fixture.jdbc.queryForObject("SELECT @@server_id", Long.class);
		assertThat(fixture.template.scatter(serverId).value()).isEqualTo(primaries);
		dead.kill();
		try {
			assertThatExceptionOfType(ScatterException.class).isThrownBy(() -> fixture.template.scatter(serverId))
				.withMessageContaining("shard-1 failed")
				.satisfies((ex) -> assertThat(ex.failedShards()).containsExactly("shard-1"));

			ScatterResult<Map<String, Long>> partial = fixture.template.partial().scatter(serverId);
			assertThat(partial.value()).containsExactly(entry("shard-0", primaries.get("shard-0")),
					entry("shard-2", primaries.get("shard-2")));
			assertThat(partial.failures()).singleElement().satisfies((failure) -> {
				assertThat(failure.shard()).isEqualTo("shard-1");
				assertThat(failure.timedOut()).isFalse();
			});
			// Once the monitor knows, the dead shard fails at once with Shardline's own exception.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				ScatterResult<Map<String, Long>> known = fixture.template.partial().scatter(serverId);
				assertThat(known.failures()).singleElement()
					.satisfies((failure) -> assertThat(failure.cause()).isInstanceOf(ShardUnavailableException.class));
				assertThat(known.elapsed()).isLessThan(CONNECT_TIMEOUT);
			});

			// Reads: the dead primary's replica keeps serving, so a read-only scatter is complete.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> fixture.shardline.shard("shard-1").replicas().get(0).health().state() == NodeHealth.State.UP);
			ScatterResult<Map<String, Long>> reads = fixture.template.readOnly().scatter(serverId);
			assertThat(reads.isComplete()).isTrue();
			assertThat(reads.value()).containsEntry("shard-1", (long) topology.shard(1).replica(0).serverId());
		}
		finally {
			dead.restart();
		}
		await().atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(fixture.template.scatter(serverId).value()).isEqualTo(primaries));
	}

}
