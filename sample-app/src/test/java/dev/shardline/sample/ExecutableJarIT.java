package dev.shardline.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jar that {@code mvn package} builds runs with {@code java -jar}: started as a user
 * would (default profile, embedded H2 shards), it reports health UP, serves the dashboard
 * and the Shardline endpoint from inside the jar, and stores and reads an order. Run by
 * failsafe after {@code package}, so it sees the repackaged jar.
 */
class ExecutableJarIT {

	/** Boot's web server start line; port 0 lets the OS pick a free port and this line names it. */
	private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void packagedJarRunsWithJavaJar() throws Exception {
		Path jar = Path.of(System.getProperty("sample.jar", "target/shardline-sample-app-0.1.0-SNAPSHOT.jar"));
		assertThat(jar).as("the packaged sample jar (run 'mvn package' first)").isRegularFile();
		Path log = Files.createTempFile(jar.getParent(), "executable-jar-it", ".log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", jar.toString(), "--server.port=0"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		// The default (H2) profile, whatever the build's environment says.
		builder.environment().remove("SPRING_PROFILES_ACTIVE");
		Process process = builder.start();
		try {
			int port = await("the jar's web server to start (log: " + log + ")").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> startedPort(process, log), (found) -> found > 0);
			String base = "http://127.0.0.1:" + port;

			HttpResponse<String> health = get(base + "/actuator/health");
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).contains("\"status\":\"UP\"");

			HttpResponse<String> dashboard = get(base + "/dashboard.html");
			assertThat(dashboard.statusCode()).isEqualTo(200);
			assertThat(dashboard.body()).contains("<title>Shardline dashboard</title>");

			HttpResponse<String> endpoint = get(base + "/actuator/shardline");
			assertThat(endpoint.statusCode()).isEqualTo(200);
			assertThat(endpoint.body()).contains("\"shard-0\"").contains("\"shard-1\"");

			HttpResponse<String> placed = this.http.send(
					HttpRequest.newBuilder(URI.create(base + "/customers/42/orders?amountCents=1250"))
						.POST(HttpRequest.BodyPublishers.noBody())
						.build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(placed.statusCode()).isEqualTo(200);
			assertThat(get(base + "/customers/42/orders").body()).contains("\"amountCents\":1250");
		}
		finally {
			process.destroy();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	/** The port from the start line, or -1 while not there yet; fails at once if the jar exited. */
	private static int startedPort(Process process, Path log) throws IOException {
		String output = Files.readString(log, StandardCharsets.UTF_8);
		Matcher matcher = STARTED.matcher(output);
		if (matcher.find()) {
			return Integer.parseInt(matcher.group(1));
		}
		if (!process.isAlive()) {
			throw new AssertionError("java -jar exited with " + process.exitValue() + " before its web server started:\n"
					+ output.substring(Math.max(0, output.length() - 4000)));
		}
		return -1;
	}

	private HttpResponse<String> get(String url) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
