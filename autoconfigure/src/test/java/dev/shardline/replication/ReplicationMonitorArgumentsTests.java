package dev.shardline.replication;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.shardline.topology.NodeSpec;
import dev.shardline.topology.ShardSpec;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The monitor's own statements inline the table name and the writer id, so both are checked
 * when it is created (the monitor is not started here).
 */
class ReplicationMonitorArgumentsTests {

	private final Topology topology = Topology.create(List.of(new ShardSpec("shard-0", 1,
			new NodeSpec("jdbc:h2:mem:monitor-args", "sa", null, Map.of("minimum-idle", "0"), 1, null), List.of())),
			"shard-0", (config) -> {
			});

	@AfterEach
	void close() {
		this.topology.close();
	}

	private static ReplicationMonitor.Settings settings(String table) {
		return new ReplicationMonitor.Settings(ReplicationMonitor.Method.HEARTBEAT, table, true, Duration.ofSeconds(5),
				Duration.ofSeconds(1), Duration.ofSeconds(2), false, false);
	}

	@Test
	void generatedWriterIdsAreAccepted() {
		assertThatNoException().isThrownBy(() -> new ReplicationMonitor(this.topology, settings("shardline_heartbeat"),
				Clock.systemUTC(), ReplicationMonitor.newWriterId()));
	}

	@Test
	void aWriterIdThatIsNotASafeLiteralIsRefused() {
		for (String bad : new String[] { "x'); DROP TABLE t; --", "", "a b", "x".repeat(65) }) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new ReplicationMonitor(this.topology, settings("shardline_heartbeat"), Clock.systemUTC(),
						bad))
				.withMessageContaining("Invalid heartbeat writer id");
		}
		assertThatIllegalArgumentException().isThrownBy(
				() -> new ReplicationMonitor(this.topology, settings("shardline_heartbeat"), Clock.systemUTC(), null));
	}

	@Test
	void aTableNameThatIsNotAnIdentifierIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ReplicationMonitor(this.topology, settings("heartbeat; DROP TABLE t"), Clock.systemUTC(),
					ReplicationMonitor.newWriterId()))
			.withMessageContaining("Invalid heartbeat table name");
	}

}
