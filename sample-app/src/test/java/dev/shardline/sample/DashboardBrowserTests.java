package dev.shardline.sample;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import dev.shardline.rebalance.PlanState;
import dev.shardline.rebalance.Rebalancer;
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
 * topology: it loads, shows every node, shows a replica that is made to lag, and draws its
 * charts (lag, routing mix, pool usage, per-node sparklines) from the samples it polled.
 * Chromium runs the page on virtual time, so one short run polls the endpoint several times.
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

	@Test
	void chartsDrawLagRoutingMixAndPoolUsageFromPolledSamples(MySqlTopology topology) throws Exception {
		Map<String, Object> properties = new LinkedHashMap<>(topology.shardlineProperties());
		properties.put("server.port", "0");
		properties.put("shardline.replication.check-interval", "250ms");
		ExecutorService traffic = Executors.newFixedThreadPool(2);
		AtomicBoolean stop = new AtomicBoolean();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("topology")
			.properties(properties)
			.run()) {
			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			AtomicLong served = new AtomicLong();
			// Writes and @ReadOnly reads while the page polls, so the routing counters move between polls.
			traffic.submit(() -> shop(base, stop, served));
			traffic.submit(() -> shop(base, stop, served));
			await().atMost(Duration.ofSeconds(30)).until(() -> served.get() > 20);
			String url = base + "/dashboard.html";
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
				String dom = chromium(url, 8000, "--dump-dom");
				// Two replicas with a known lag, several samples each.
				int[] lag = chart(dom, "chart-lag");
				assertThat(lag[0]).as("lag chart samples").isGreaterThanOrEqualTo(3);
				assertThat(lag[1]).as("lag chart series (replicas)").isEqualTo(2);
				// Rates need two samples; the shop's writes and reads show up under their reasons.
				int[] routing = chart(dom, "chart-routing");
				assertThat(routing[0]).as("routing chart samples").isGreaterThanOrEqualTo(3);
				assertThat(routing[1]).as("routing chart series").isGreaterThanOrEqualTo(2);
				assertThat(dom).contains("write → primary").contains("replica → replica");
				// Active, idle and the pools' capacity (waiting threads only while there are some).
				int[] pool = chart(dom, "chart-pool");
				assertThat(pool[0]).as("pool chart samples").isGreaterThanOrEqualTo(3);
				assertThat(pool[1]).as("pool chart series").isGreaterThanOrEqualTo(3);
				// Every node's pool sparkline, and a lag sparkline for the replicas only.
				assertThat(sparkPoints(dom, "pool-spark")).hasSize(4).allSatisfy((n) -> assertThat(n).isGreaterThanOrEqualTo(3));
				assertThat(sparkPoints(dom, "lag-spark")).hasSize(4)
					.filteredOn((n) -> n > 0)
					.hasSize(2)
					.allSatisfy((n) -> assertThat(n).isGreaterThanOrEqualTo(3));
			});
			// A minute of virtual time, looked at as a picture: the canvases must have painted their
			// lines and areas. The same page with drawing switched off shows about 1,500 coloured
			// pixels (legend swatches, state borders); with its charts about 17,000 (most of them the
			// pools' connections, drawn whatever the traffic).
			Path screenshot = Path.of("target", "dashboard-charts.png").toAbsolutePath();
			Files.deleteIfExists(screenshot);
			chromium(url, 60000, "--window-size=1400,1000", "--screenshot=" + screenshot);
			assertThat(screenshot).isRegularFile();
			assertThat(colouredPixels(screenshot)).as("coloured pixels in " + screenshot).isGreaterThan(6000);
		}
		finally {
			stop.set(true);
			traffic.shutdown();
			assertThat(traffic.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void aRebalanceIsShownAsAProgressBarWithItsRowsPerSecond(MySqlTopology topology) throws Exception {
		Map<String, Object> properties = new LinkedHashMap<>(topology.shardlineProperties());
		properties.put("server.port", "0");
		properties.put("shardline.replication.check-interval", "250ms");
		properties.put("shardline.replication.max-lag", "1s");
		// Every customer recorded in the directory at its first write, so a plan sees them.
		properties.put("shardline.directory.assign-on-first-write", "true");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("topology")
			.properties(properties)
			.run()) {
			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			String url = base + "/dashboard.html";
			assertThat(render(url)).as("no plan: no bar").contains("<section id=\"rebalance\" hidden=\"\"");
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			for (long customer = 9_000; customer < 9_030; customer++) {
				for (int order = 0; order < 3; order++) {
					assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/customers/" + customer
							+ "/orders?amountCents=100")).POST(HttpRequest.BodyPublishers.noBody()).build(),
							HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
				}
			}
			Rebalancer rebalancer = context.getBean(Rebalancer.class);
			rebalancer.plan("remove", "shard-1");
			long planned = rebalancer.progress().rowsTotal();
			assertThat(planned).as("rows planned").isPositive();
			assertThat(render(url)).contains("data-state=\"planned\"")
				.contains("data-done=\"0\" data-total=\"" + planned + "\"");
			// The target's replica stops applying: the started plan waits (throttled) while the page polls.
			TopologyNode replica = topology.shard(0).replica(0);
			replica.stopReplicaSqlThread();
			try {
				// Lagging past half of max-lag before the plan starts, so its first batch already waits.
				dev.shardline.topology.ShardNode lagging = context.getBean(dev.shardline.topology.Topology.class)
					.shard("shard-0")
					.replicas()
					.get(0);
				await().atMost(Duration.ofSeconds(30)).until(() -> lagging.health().lagNanos() > 700_000_000L
						|| lagging.health().state() != dev.shardline.topology.NodeHealth.State.UP);
				rebalancer.startPlan();
				await().atMost(Duration.ofSeconds(30)).until(() -> rebalancer.progress().throttledBy() != null);
				String throttled = chromium(url, 8000, "--dump-dom");
				assertThat(throttled).contains("class=\"running throttled\"").contains("waiting: ");
				assertThat(chart(throttled, "chart-rebalance")[0]).as("rows/s samples while it runs")
					.isGreaterThanOrEqualTo(3);
			}
			finally {
				replica.startReplicaSqlThread();
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> rebalancer.progress().state() == PlanState.DONE);
			String done = render(url);
			Matcher bar = Pattern.compile("data-done=\"(\\d+)\" data-total=\"(\\d+)\"").matcher(done);
			assertThat(bar.find()).isTrue();
			assertThat(Long.parseLong(bar.group(1))).isPositive().isEqualTo(Long.parseLong(bar.group(2)));
			assertThat(done).contains("data-state=\"done\"").contains("100.0%");
		}
	}

	private static void shop(String base, AtomicBoolean stop, AtomicLong served) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		for (long i = 0; !stop.get(); i++) {
			long customer = 1 + (i % 40);
			try {
				URI uri = URI.create(base + "/customers/" + customer + "/orders" + ((i % 3 == 0) ? "?amountCents=100" : ""));
				HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
				http.send((i % 3 == 0) ? request.POST(HttpRequest.BodyPublishers.noBody()).build() : request.build(),
						HttpResponse.BodyHandlers.discarding());
				served.incrementAndGet();
			}
			catch (IOException ex) {
				// The page's figures are what is tested; a failed request only means less traffic.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** A chart canvas's {@code data-points} and {@code data-series}. */
	private static int[] chart(String dom, String id) {
		Matcher matcher = Pattern.compile("<canvas id=\"" + id + "\" data-points=\"(\\d+)\" data-series=\"(\\d+)\"")
			.matcher(dom);
		assertThat(matcher.find()).as("canvas " + id + " in the page").isTrue();
		return new int[] { Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)) };
	}

	/** The {@code data-points} of every sparkline canvas of a kind, in table order. */
	private static List<Integer> sparkPoints(String dom, String kind) {
		Matcher matcher = Pattern.compile("<canvas class=\"spark " + kind + "\"[^>]*data-points=\"(\\d+)\"").matcher(dom);
		List<Integer> points = new ArrayList<>();
		while (matcher.find()) {
			points.add(Integer.parseInt(matcher.group(1)));
		}
		return points;
	}

	/** Pixels of a colour, even a light one (the page's background, text and grid are greys). */
	private static int colouredPixels(Path png) throws IOException {
		BufferedImage image = ImageIO.read(png.toFile());
		int count = 0;
		for (int y = 0; y < image.getHeight(); y++) {
			for (int x = 0; x < image.getWidth(); x++) {
				int rgb = image.getRGB(x, y);
				int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
				if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 25) {
					count++;
				}
			}
		}
		return count;
	}

	/** The page's DOM after its scripts ran, from headless chromium. */
	private static String render(String url) throws IOException, InterruptedException {
		return chromium(url, 5000, "--dump-dom");
	}

	/**
	 * Runs headless chromium on the page for a budget of virtual time (the page's timers run
	 * without waiting in real time) and returns what it printed.
	 */
	private static String chromium(String url, int virtualMillis, String... output) throws IOException, InterruptedException {
		Path profile = Files.createTempDirectory("shardline-chromium");
		try {
			List<String> command = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
					"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
					"--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=" + virtualMillis));
			command.addAll(List.of(output));
			command.add(url);
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
