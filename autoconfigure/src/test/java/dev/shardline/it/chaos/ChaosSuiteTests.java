package dev.shardline.it.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import dev.shardline.it.RoutedApplication;
import dev.shardline.ring.HashRing;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reliability suite: two application instances (one measuring lag with heartbeats, one
 * with {@code SHOW REPLICA STATUS}; both with session read-your-writes and the directory on)
 * run the sample workload shape on 2 shards × (primary + 2 replicas) while faults are injected
 * one after another; afterwards the servers and instances are checked ({@link ChaosChecks}).
 * The short schedule runs in {@code mvn verify}; the long one with
 * {@code -Dshardline.chaos.schedule=long} (see RELIABILITY.md).
 */
@RealTopology(shards = 2, replicas = 2, fresh = true)
class ChaosSuiteTests {

	static final Duration MAX_LAG = Duration.ofSeconds(2);

	static final Duration CHECK_INTERVAL = Duration.ofMillis(250);

	static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	/** Bounds a statement on a node that hangs (README: add socketTimeout to node URLs). */
	static final int SOCKET_TIMEOUT_MILLIS = 1500;

	static final ChaosLimits LIMITS = new ChaosLimits(MAX_LAG, CHECK_INTERVAL, CONNECT_TIMEOUT,
			Duration.ofSeconds(15), 0.99);

	static final Workload.Shape SHAPE = new Workload.Shape(2, 3, 6, Duration.ofMillis(5), Duration.ofMillis(250),
			Duration.ofMillis(1000), Duration.ofMillis(100));

	/** How long the run waits for a healed node to serve again before it moves on (the check's bound is 15 s). */
	static final Duration SERVE_WAIT = Duration.ofSeconds(30);

	@Test
	void faultsOneAfterAnotherKeepEveryPromise(MySqlTopology topology) throws Exception {
		FaultSchedule schedule = FaultSchedule.selected();
		topology.shards().forEach((shard) -> FaultInjector.durable(shard.primary()));
		List<ChaosInstance> instances = new ArrayList<>();
		try {
			instances.add(new ChaosInstance("A", start(topology, "heartbeat")));
			instances.add(new ChaosInstance("B", start(topology, "replica-status")));
			ChaosKeys keys = new ChaosKeys(topology, 8);
			ChaosRecorder recorder = new ChaosRecorder(instances.stream().map(ChaosInstance::name).toList());
			FaultInjector injector = new FaultInjector(topology, instances, keys, MAX_LAG);
			long started = System.nanoTime();
			try (Workload workload = new Workload(recorder, instances, keys, topology, SHAPE)) {
				workload.start();
				// every node serves every instance before the first fault
				await().atMost(SERVE_WAIT).until(() -> topology.nodes().stream().allMatch((node) -> recorder
					.servedSince(node.name().endsWith("primary") ? shardOf(node) : node.name(), started)));
				for (FaultSchedule.Step step : schedule.steps()) {
					hold(schedule.calm());
					FaultInjector.Injected injected = injector.inject(step);
					ChaosRecording.Window window;
					try {
						hold(step.hold());
					}
					finally {
						window = injector.heal(injected);
						recorder.window(window);
					}
					awaitServing(recorder, window);
				}
			}
			Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
			topology.awaitReplicationCaughtUp(Duration.ofSeconds(60));
			ServerState servers = ServerStateReader.read(topology, instances);
			ChaosRecording run = recorder.snapshot();
			HashRing ring = new HashRing(Map.of("shard-0", 1, "shard-1", 1));
			ChaosChecks checks = new ChaosChecks(run, servers, LIMITS, ring::shardFor);
			List<CheckResult> results = checks.all();
			String report = ChaosReport.render(schedule, elapsed, run, checks, results, injector.moves());
			System.out.println(report);
			Path file = Path.of("target", "chaos-report-" + schedule.name() + ".md");
			Files.createDirectories(file.getParent());
			Files.writeString(file, report);
			assertThat(injector.moves()).as("key moves").noneMatch((move) -> move.startsWith("FAILED"));
			assertThat(results.stream().filter((result) -> !result.passed()).map(CheckResult::toString).toList())
				.as("failed chaos checks (report in %s)", file.toAbsolutePath())
				.isEmpty();
		}
		finally {
			instances.forEach((instance) -> instance.context().close());
		}
	}

	private static ConfigurableApplicationContext start(MySqlTopology topology, String method) {
		List<String> properties = new ArrayList<>(List.of("shardline.hikari.maximum-pool-size=8",
				"shardline.replication.method=" + method, "shardline.replication.max-lag=" + MAX_LAG.toMillis() + "ms",
				"shardline.replication.check-interval=" + CHECK_INTERVAL.toMillis() + "ms",
				"shardline.replication.connect-timeout=" + CONNECT_TIMEOUT.toMillis() + "ms",
				"shardline.routing.read-your-writes=session", "shardline.directory.enabled=true",
				"shardline.directory.move-tables.chaos_write=customer_id",
				"spring.sql.init.schema-locations=classpath:chaos-schema.sql"));
		for (TopologyShard shard : topology.shards()) {
			String prefix = "shardline.shards." + shard.name();
			properties.add(prefix + ".primary.url=" + withSocketTimeout(shard.primary()));
			for (int i = 0; i < shard.replicas().size(); i++) {
				properties.add(prefix + ".replicas[" + i + "].url=" + withSocketTimeout(shard.replica(i)));
			}
		}
		return RoutedApplication.start(topology, ChaosApp.class, properties.toArray(String[]::new));
	}

	private static String withSocketTimeout(TopologyNode node) {
		return node.jdbcUrl() + "?socketTimeout=" + SOCKET_TIMEOUT_MILLIS;
	}

	private static String shardOf(TopologyNode node) {
		return node.name().substring(0, node.name().indexOf("-primary"));
	}

	/** Waits (bounded) until every instance is served by the healed nodes again; the checks judge how soon. */
	private static void awaitServing(ChaosRecorder recorder, ChaosRecording.Window window) {
		if (window.kind().target() == FaultKind.Target.NONE) {
			return;
		}
		try {
			await().atMost(SERVE_WAIT).pollInterval(Duration.ofMillis(50)).until(() -> (window.kind()
				.target() == FaultKind.Target.PRIMARY) ? recorder.servedSince(window.shard(), window.healedNanos())
						: window.nodes().stream().allMatch((node) -> recorder.servedSince(node, window.healedNanos())));
		}
		catch (ConditionTimeoutException ex) {
			// the check "healed nodes serve again" reports it
		}
	}

	/** Keeps a fault (or the calm between faults) in place for a while: a duration, not a wait for a condition. */
	private static void hold(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		for (long left = duration.toNanos(); left > 0; left = until - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

}
