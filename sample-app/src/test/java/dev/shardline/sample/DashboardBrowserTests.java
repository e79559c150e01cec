package dev.shardline.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's dashboard page in a real headless browser (Debian's chromium) against a real
 * topology: it loads, shows every node, and shows a replica that is made to lag.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
class DashboardBrowserTests {

	@Test
	void dashboardShowsEveryNodeAndALaggingReplica(MySqlTopology topology) throws Exception {
		Map<String, Object> properties = new LinkedHashMap<>(topology.shardlineProperties());
		properties.put("server.port", "0");
		properties.put("shardline.replication.max-lag", "1s");
		properties.put("shardline.replication.check-interval", "250ms");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("topology")
			.properties(properties)
			.run()) {
			String url = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/dashboard.html";
			String dom = render(url);
			for (String shard : List.of("shard-0", "shard-1")) {
				assertThat(dom).contains("id=\"shard-" + shard + "\"")
					.contains("id=\"node-shardline-" + shard + "-primary\"")
					.contains("id=\"node-shardline-" + shard + "-replica-0\"");
			}
			assertThat(dom).doesNotContain("data-state=\"lagging\"");
			TopologyNode replica = topology.shard(0).replica(0);
			String laggingNode = "node-shardline-" + topology.shard(0).name() + "-replica-0";
			replica.stopReplicaSqlThread();
			try {
				await().atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofSeconds(1))
					.until(() -> render(url).contains("id=\"" + laggingNode + "\" data-state=\"lagging\""));
			}
			finally {
				replica.startReplicaSqlThread();
			}
		}
	}

	/** The page's DOM after its scripts ran, from headless chromium. */
	private static String render(String url) throws IOException, InterruptedException {
		Path profile = Files.createTempDirectory("shardline-chromium");
		try {
			List<String> command = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
					"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
					"--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom", url));
			Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
			byte[] out = process.getInputStream().readAllBytes();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("chromium did not finish rendering " + url);
			}
			return new String(out, StandardCharsets.UTF_8);
		}
		finally {
			try (var files = Files.walk(profile)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
		}
	}

	static String chromium() {
		for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		throw new IllegalStateException(
				"No headless browser for the dashboard test: install Debian's chromium (apt-get install -y chromium)");
	}

}
