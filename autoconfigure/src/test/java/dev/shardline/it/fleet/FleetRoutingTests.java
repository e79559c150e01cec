package dev.shardline.it.fleet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.it.web.WebApp;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.ServerFootprint;
import dev.shardline.test.TopologyShard;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application with 16 nodes (8 shards, each a primary and a replica of real servers)
 * starts, routes keys to every shard (checked on the servers: the rows land on the owner's
 * primary only), reads from every replica, and its endpoint, health and metrics cover every
 * node.
 */
@RealTopology(shards = 8, replicas = 1)
class FleetRoutingTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void routesToEveryShardAndObservesEveryNode(MySqlTopology topology) throws Exception {
		assertThat(topology.nodes()).hasSize(16);
		assertThat(topology.footprint()).isEqualTo(ServerFootprint.COMPACT);
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, WebApp.class,
				"spring.main.web-application-type=servlet", "server.port=0",
				"management.endpoints.web.exposure.include=health,shardline,metrics",
				"management.endpoint.health.show-details=always", "shardline.replication.check-interval=250ms",
				"shardline.replication.connect-timeout=1s")) {
			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			OrderStore store = context.getBean(OrderStore.class);

			// Writes: three customers per shard, each row on its owner's primary and nowhere else.
			long from = ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L);
			Map<TopologyShard, List<Long>> customers = new LinkedHashMap<>();
			for (TopologyShard shard : topology.shards()) {
				customers.put(shard, RoutedApplication.customersOn(topology, shard.name(), 3, from));
			}
			customers.forEach((shard, ids) -> ids.forEach((id) -> store.insert(id, 7)));
			customers.forEach((shard, ids) -> {
				for (long id : ids) {
					for (TopologyShard other : topology.shards()) {
						assertThat(RoutedApplication.countOrders(other.primary(), id))
							.as("rows of customer %d on %s (owner %s)", id, other.name(), shard.name())
							.isEqualTo((other == shard) ? 1 : 0);
					}
				}
			});

			// Reads: once every replica is measured, each shard's @ReadOnly reads are served by its replica.
			topology.awaitReplicationCaughtUp();
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> customers.forEach((shard, ids) ->
					assertThat(store.serverIdForRead(ids.get(0))).as("server of a read on %s", shard.name())
						.isEqualTo(shard.replica(0).serverId())));

			// The endpoint: 8 shards, 16 nodes, each with its state, pool figures and (replicas) lag.
			JsonNode overview = JSON.readTree(get(base + "/actuator/shardline"));
			assertThat(overview.path("shards").propertyNames()).hasSize(8);
			double ringShares = 0;
			for (TopologyShard shard : topology.shards()) {
				JsonNode described = overview.path("shards").path(shard.name());
				ringShares += described.path("ringShare").asDouble();
				assertThat(described.path("nodes")).hasSize(2);
				JsonNode primary = described.path("nodes").get(0);
				assertThat(primary.path("url").asText()).isEqualTo(shard.primary().jdbcUrl());
				assertThat(primary.path("state").asText()).isEqualTo("up");
				assertThat(primary.path("pool").path("max").asInt()).isEqualTo(4);
				JsonNode replica = described.path("nodes").get(1);
				assertThat(replica.path("url").asText()).isEqualTo(shard.replica(0).jdbcUrl());
				assertThat(replica.path("state").asText()).isEqualTo("up");
				assertThat(replica.path("lagSeconds").isNumber()).as("lag of %s", shard.name()).isTrue();
				assertThat(replica.path("pool").path("max").asInt()).isEqualTo(4);
			}
			assertThat(ringShares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));

			// Health: one component per shard and node, all up.
			JsonNode health = JSON.readTree(get(base + "/actuator/health"));
			JsonNode shardline = health.path("components").path("shardline");
			assertThat(shardline.path("status").asText()).isEqualTo("UP");
			assertThat(shardline.path("components").propertyNames()).hasSize(8);
			for (TopologyShard shard : topology.shards()) {
				JsonNode component = shardline.path("components").path(shard.name());
				assertThat(component.path("status").asText()).isEqualTo("UP");
				assertThat(component.path("components").propertyNames()).containsExactlyInAnyOrder("primary",
						"replica-0");
				assertThat(component.path("components").path("replica-0").path("details").path("state").asText())
					.isEqualTo("up");
			}

			// Metrics: Hikari's meters for all 16 pools, a lag gauge for every node.
			List<String> expectedPools = new ArrayList<>();
			for (TopologyShard shard : topology.shards()) {
				expectedPools.add("shardline-" + shard.name() + "-primary");
				expectedPools.add("shardline-" + shard.name() + "-replica-0");
			}
			assertThat(tagValues(get(base + "/actuator/metrics/hikaricp.connections"), "pool"))
				.containsExactlyInAnyOrderElementsOf(expectedPools);
			assertThat(tagValues(get(base + "/actuator/metrics/hikaricp.connections.max"), "pool"))
				.containsExactlyInAnyOrderElementsOf(expectedPools);
			assertThat(tagValues(get(base + "/actuator/metrics/shardline.replication.lag"), "node"))
				.containsExactlyInAnyOrderElementsOf(expectedPools);
			for (TopologyShard shard : topology.shards()) {
				JsonNode lag = JSON.readTree(get(base + "/actuator/metrics/shardline.replication.lag?tag=node:shardline-"
						+ shard.name() + "-replica-0"));
				assertThat(lag.path("measurements").get(0).path("value").asDouble()).as("lag of %s", shard.name())
					.isBetween(0.0, 5.0);
			}
		}
	}

	private List<String> tagValues(String metric, String tagName) {
		List<String> values = new ArrayList<>();
		for (JsonNode tag : JSON.readTree(metric).path("availableTags")) {
			if (tag.path("tag").asText().equals(tagName)) {
				tag.path("values").forEach((value) -> values.add(value.asText()));
			}
		}
		return values;
	}

	private String get(String url) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
		return response.body();
	}

}
