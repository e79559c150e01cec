package dev.shardline.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.shardline.topology.Topology;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Start-up of a Spring Boot application with N shards configured (a primary and a replica each),
 * every node a loopback port with nothing listening: the time from {@code run} until the context
 * is ready (binding, validation, pools, ring, the monitor's first round), for each shard count in
 * turn, repeated so the counts are interleaved in time. Shards come from a properties file, as a user's {@code application.yml}.
 *
 * <p>Run: {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar dev.shardline.benchmarks.FleetStartup 2,64,1024 5}
 */
public final class FleetStartup {

	private FleetStartup() {
	}

	public static void main(String[] args) throws Exception {
		int[] counts = Arrays.stream(((args.length > 0) ? args[0] : "2,64,1024").split(",")).mapToInt(Integer::parseInt)
			.toArray();
		int repetitions = (args.length > 1) ? Integer.parseInt(args[1]) : 5;
		// one unmeasured start first: class loading and the JIT's first pass are not Shardline's
		startMillis(2);
		Map<Integer, List<Long>> results = new LinkedHashMap<>();
		for (int r = 0; r < repetitions; r++) {
			for (int shards : counts) {
				results.computeIfAbsent(shards, (k) -> new ArrayList<>()).add(startMillis(shards));
			}
		}
		System.out.println("| Shards | Nodes | Start-up, median (ms) | min–max (ms) | Δ vs 2 shards (ms) |");
		System.out.println("|---|---|---|---|---|");
		long reference = median(results.getOrDefault(2, List.of(0L)));
		results.forEach((shards, times) -> System.out.printf(Locale.ROOT, "| %d | %d | %d | %d–%d | %+d |%n", shards,
				2 * shards, median(times), times.stream().min(Long::compare).orElseThrow(),
				times.stream().max(Long::compare).orElseThrow(), median(times) - reference));
	}

	private static long median(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return sorted.get(sorted.size() / 2);
	}

	static long startMillis(int shards) throws IOException {
		List<Integer> ports = freePorts(2 * shards);
		StringBuilder properties = new StringBuilder();
		for (int i = 0; i < shards; i++) {
			String shard = "shardline.shards.shard-" + i;
			properties.append(shard).append(".primary.url=jdbc:mysql://127.0.0.1:").append(ports.get(2 * i)).append("/app\n");
			properties.append(shard).append(".primary.username=app\n");
			properties.append(shard).append(".replicas[0].url=jdbc:mysql://127.0.0.1:").append(ports.get(2 * i + 1)).append("/app\n");
			properties.append(shard).append(".replicas[0].username=app\n");
		}
		properties.append("shardline.replication.connect-timeout=1s\n");
		properties.append("logging.level.dev.shardline=ERROR\n");
		Path file = Files.createTempFile("shardline-fleet-", ".properties");
		try {
			Files.writeString(file, properties);
			long start = System.nanoTime();
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
				.properties("spring.main.banner-mode=off", "spring.main.web-application-type=none",
						"spring.sql.init.mode=never")
				.run("--spring.config.additional-location=file:" + file)) {
				long millis = (System.nanoTime() - start) / 1_000_000;
				if (context.getBean(Topology.class).nodes().size() != 2 * shards) {
					throw new IllegalStateException("expected " + 2 * shards + " nodes");
				}
				System.out.printf(Locale.ROOT, "  %d shards: %d ms%n", shards, millis);
				return millis;
			}
		}
		finally {
			Files.delete(file);
		}
	}

	/** Ports that were free a moment ago: bound all at once (so they differ), then released. */
	private static List<Integer> freePorts(int count) throws IOException {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
			}
			return sockets.stream().map(ServerSocket::getLocalPort).toList();
		}
		finally {
			for (ServerSocket socket : sockets) {
				socket.close();
			}
		}
	}

	/** A JDBC application with the starter and nothing else. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
