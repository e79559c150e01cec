package dev.shardline.it.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.it.web.WebApp;
import dev.shardline.scatter.ShardTemplate;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint, health, metrics and operator controls over HTTP on a real 2 x (1 + 1)
 * topology, with faults injected: a lagging replica and a killed primary.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
class ObservabilityTests {

	private static final String SECRET = "Obsv-Walrus-5519";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private String base;

	@Test
	void endpointHealthMetricsAndControls(MySqlTopology topology) throws Exception {
		List<String> properties = new ArrayList<>();
		for (TopologyShard shard : topology.shards()) {
			try (Connection admin = shard.primary().openAdminConnection(); Statement statement = admin.createStatement()) {
				statement.execute("CREATE USER IF NOT EXISTS 'walrus'@'%' IDENTIFIED BY '" + SECRET + "'");
				statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, SLAVE MONITOR ON *.* TO 'walrus'@'%'");
			}
			properties.add("shardline.shards." + shard.name() + ".primary.username=walrus");
			properties.add("shardline.shards." + shard.name() + ".primary.password=" + SECRET);
			properties.add("shardline.shards." + shard.name() + ".replicas[0].username=walrus");
			properties.add("shardline.shards." + shard.name() + ".replicas[0].password=" + SECRET);
		}
		topology.awaitReplicationCaughtUp();
		properties.addAll(List.of("spring.main.web-application-type=servlet", "server.port=0",
				"management.endpoints.web.exposure.include=health,shardline,metrics,prometheus",
				"management.endpoint.health.show-details=always", "management.endpoint.shardline.access=unrestricted",
				"shardline.replication.max-lag=1s", "shardline.replication.check-interval=250ms",
				"shardline.replication.connect-timeout=1s"));
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, WebApp.class,
				properties.toArray(String[]::new))) {
			this.base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			OrderStore store = context.getBean(OrderStore.class);
			store.insert(42, 1);
			store.serverIdForRead(42);

			// The endpoint: every shard and node, figures, no secret anywhere.
			String overviewText = get("/actuator/shardline");
			assertThat(overviewText).doesNotContain(SECRET).doesNotContain("password");
			JsonNode overview = JSON.readTree(overviewText);
			for (TopologyShard shard : topology.shards()) {
				JsonNode described = overview.path("shards").path(shard.name());
				assertThat(described.path("nodes")).hasSize(2);
				assertThat(described.path("ringShare").asDouble()).isBetween(0.4, 0.6);
				JsonNode primary = described.path("nodes").get(0);
				assertThat(primary.path("name").asText()).isEqualTo("shardline-" + shard.name() + "-primary");
				assertThat(primary.path("url").asText()).isEqualTo(shard.primary().jdbcUrl());
				assertThat(primary.path("state").asText()).isEqualTo("up");
				assertThat(primary.path("pool").path("max").asInt()).isEqualTo(4);
				JsonNode replica = described.path("nodes").get(1);
				assertThat(replica.path("currentRole").asText()).isEqualTo("replica");
				assertThat(replica.has("lagSeconds")).isTrue();
			}
			assertThat(overview.path("shards").path("shard-0").path("routing").path("primary").path("write").asLong())
				.isPositive();
			assertThat(JSON.readTree(get("/actuator/shardline/shard-1")).path("name").asText()).isEqualTo("shard-1");

			// Route explanation (42 is on shard-0, see the README's worked example).
			JsonNode route = JSON.readTree(get("/actuator/shardline/route/42"));
			assertThat(route.path("shard").asText()).isEqualTo("shard-0");
			assertThat(route.path("writeNode").asText()).isEqualTo("shardline-shard-0-primary");
			assertThat(route.path("readNodes").get(0).asText()).isEqualTo("shardline-shard-0-replica-0");
			assertThat(JSON.readTree(get("/actuator/shardline/route/string:42")).path("shard").asText())
				.isEqualTo("shard-1");

			// Every pool has Hikari's meters, tagged by its name, also pools that served nothing yet.
			JsonNode pools = JSON.readTree(get("/actuator/metrics/hikaricp.connections"));
			List<String> poolNames = new ArrayList<>();
			for (JsonNode tag : pools.path("availableTags")) {
				if (tag.path("tag").asText().equals("pool")) {
					tag.path("values").forEach((value) -> poolNames.add(value.asText()));
				}
			}
			assertThat(poolNames).contains("shardline-shard-0-primary", "shardline-shard-0-replica-0",
					"shardline-shard-1-primary", "shardline-shard-1-replica-0");
			String prometheus = get("/actuator/prometheus");
			assertThat(prometheus).contains("hikaricp_connections{").contains("shardline_replication_lag_seconds{")
				.contains("shardline_routing_total{")
				.doesNotContain(SECRET);

			// Scatter-gather calls are timed.
			ShardTemplate shards = context.getBean(ShardTemplate.class);
			long total = shards.sumLong(context.getBean(org.springframework.jdbc.core.JdbcTemplate.class),
					"SELECT COUNT(*) FROM orders").value();
			assertThat(total).isPositive();
			JsonNode scatter = JSON.readTree(get("/actuator/metrics/shardline.scatter"));
			assertThat(scatter.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1.0);

			// Every metric the Grafana dashboard queries exists in a real scrape.
			List<String> dashboardMetrics = grafanaMetricNames();
			assertThat(dashboardMetrics).contains("hikaricp_connections_active", "shardline_replication_lag_seconds",
					"shardline_routing_total");
			for (String metric : dashboardMetrics) {
				assertThat(prometheus).as("metric %s of the Grafana dashboard", metric).contains(metric + "{");
			}

			// Health: every shard and node; Boot's db indicator does not walk every node.
			JsonNode health = JSON.readTree(get("/actuator/health"));
			assertThat(health.path("status").asText()).isEqualTo("UP");
			assertThat(health.path("components").path("shardline").path("components").path("shard-0").path("components")
				.has("replica-0")).isTrue();
			assertThat(health.path("components").path("db").has("components")).isFalse();
			assertThat(get("/actuator/health")).doesNotContain(SECRET);

			// A lagging replica: shown in its details and in the lag gauge; the shard stays UP.
			TopologyNode lagging = topology.shard(0).replica(0);
			TopologyShard laggingShard = topology.shards().stream()
				.filter((s) -> s.replicas().contains(lagging))
				.findFirst()
				.orElseThrow();
			lagging.stopReplicaSqlThread();
			try {
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					JsonNode shardHealth = JSON.readTree(get("/actuator/health/shardline/" + laggingShard.name()));
					assertThat(shardHealth.path("status").asText()).isEqualTo("UP");
					assertThat(shardHealth.path("components").path("replica-0").path("details").path("state").asText())
						.isEqualTo("lagging");
				});
				JsonNode lag = JSON.readTree(get("/actuator/metrics/shardline.replication.lag?tag=node:shardline-"
						+ laggingShard.name() + "-replica-0"));
				assertThat(lag.path("measurements").get(0).path("value").asDouble()).isGreaterThan(1.0);
			}
			finally {
				lagging.startReplicaSqlThread();
			}

			// Drain and un-drain a replica.
			String replicaName = "shardline-shard-1-replica-0";
			assertThat(post("/actuator/shardline/" + replicaName + "/drain")).isEqualTo(200);
			JsonNode drained = JSON.readTree(get("/actuator/shardline/shard-1"));
			assertThat(drained.path("nodes").get(1).path("drained").asBoolean()).isTrue();
			long onShard1 = RoutedApplication.customersOn(topology, "shard-1", 1, 90_000_000).get(0);
			assertThat(store.serverIdForRead(onShard1)).isEqualTo(RoutedApplication.shard(topology, "shard-1").primary().serverId());
			assertThat(post("/actuator/shardline/" + replicaName + "/undrain")).isEqualTo(200);
			assertThat(store.serverIdForRead(onShard1)).isEqualTo(RoutedApplication.shard(topology, "shard-1").replica(0).serverId());
			assertThat(post("/actuator/shardline")).isEqualTo(200);

			// A dead primary: its shard is DOWN, the other shard UP.
			TopologyNode deadPrimary = RoutedApplication.shard(topology, "shard-1").primary();
			deadPrimary.kill();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				JsonNode shardline = JSON.readTree(get("/actuator/health/shardline"));
				assertThat(shardline.path("components").path("shard-1").path("status").asText()).isEqualTo("DOWN");
				assertThat(shardline.path("components").path("shard-0").path("status").asText()).isEqualTo("UP");
			});
			deadPrimary.restart();
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
					JSON.readTree(get("/actuator/health/shardline")).path("components").path("shard-1").path("status").asText())
				.isEqualTo("UP"));
		}
	}

	@Test
	void writeOperationsAreOffByDefault(MySqlTopology topology) throws Exception {
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, WebApp.class,
				"spring.main.web-application-type=servlet", "server.port=0",
				"management.endpoints.web.exposure.include=shardline")) {
			this.base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			assertThat(JSON.readTree(get("/actuator/shardline")).path("shards").size()).isEqualTo(2);
			assertThat(post("/actuator/shardline/shardline-shard-0-replica-0/drain")).isNotEqualTo(200);
		}
	}

	/** Metric names used in the repository's Grafana dashboard queries. */
	private static List<String> grafanaMetricNames() throws Exception {
		java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath();
		while (dir != null && !java.nio.file.Files.exists(dir.resolve("dashboards/grafana/shardline.json"))) {
			dir = dir.getParent();
		}
		assertThat(dir).as("repository root with dashboards/grafana/shardline.json").isNotNull();
		JsonNode dashboard = JSON.readTree(java.nio.file.Files.readString(dir.resolve("dashboards/grafana/shardline.json")));
		List<String> names = new ArrayList<>();
		java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b((?:hikaricp|shardline)_[a-z_]+)\\b");
		for (JsonNode panel : dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				java.util.regex.Matcher matcher = metric.matcher(target.path("expr").asText());
				while (matcher.find()) {
					if (!names.contains(matcher.group(1))) {
						names.add(matcher.group(1));
					}
				}
			}
		}
		return names;
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.base + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		return response.body();
	}

	private int post(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(this.base + path))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
	}

}
