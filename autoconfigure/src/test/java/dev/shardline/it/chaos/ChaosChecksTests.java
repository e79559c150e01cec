package dev.shardline.it.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.shardline.ShardMovingException;
import dev.shardline.ShardUnavailableException;
import dev.shardline.it.chaos.ChaosRecording.Ejection;
import dev.shardline.it.chaos.ChaosRecording.Read;
import dev.shardline.it.chaos.ChaosRecording.ReadBack;
import dev.shardline.it.chaos.ChaosRecording.Tick;
import dev.shardline.it.chaos.ChaosRecording.Window;
import dev.shardline.it.chaos.ChaosRecording.Write;
import org.junit.jupiter.api.Test;

import org.springframework.dao.RecoverableDataAccessException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each check of the chaos suite goes red on a recording with exactly one injected violation
 * (a lost row, a stale read, a leaked connection, ...) and stays green on the same recording
 * without it, so a green chaos run means something.
 */
class ChaosChecksTests {

	private static final ChaosLimits LIMITS = new ChaosLimits(Duration.ofSeconds(2), Duration.ofMillis(250),
			Duration.ofSeconds(1), Duration.ofSeconds(15), 0.99);

	private static final String S0 = "shard-0";

	private static final String S1 = "shard-1";

	private static final String P0 = "shard-0-primary";

	private static final String R0 = "shard-0-replica-0";

	private static final String P1 = "shard-1-primary";

	private static final String R1 = "shard-1-replica-0";

	/** Even keys live on shard-0, odd keys on shard-1. */
	private static String ring(long key) {
		return (key % 2 == 0) ? S0 : S1;
	}

	private static long s(double seconds) {
		return (long) (seconds * 1e9);
	}

	/** A small run with every kind of event, against which every check passes. */
	private static final class Run {

		final List<Write> writes = new ArrayList<>();

		final List<Read> reads = new ArrayList<>();

		final List<ReadBack> readBacks = new ArrayList<>();

		final List<Tick> ticks = new ArrayList<>();

		final List<Window> windows = new ArrayList<>();

		final List<Ejection> ejections = new ArrayList<>();

		final Map<String, Map<Long, Long>> rows = new LinkedHashMap<>();

		final Map<Long, String> directory = new HashMap<>();

		final Map<String, Integer> active = new LinkedHashMap<>();

		final Map<String, String> health = new LinkedHashMap<>();

		Run() {
			for (String node : List.of(P0, R0, P1, R1)) {
				this.rows.put(node, new HashMap<>());
			}
			for (int seq = 1; seq <= 40; seq++) {
				this.ticks.add(new Tick(S0, seq, s(seq)));
				this.ticks.add(new Tick(S1, seq, s(seq)));
			}
			// calm: writes on both shards, kept on every node of their shard
			acknowledged("A", 1, 2, S0, 1.0);
			acknowledged("B", 2, 3, S1, 1.1);
			// the key being moved: no shard recorded, directory entry on shard-1 afterwards
			this.writes.add(new Write("A", 3, 4, null, s(5), s(5.01), Outcome.ACKNOWLEDGED, null));
			this.directory.put(4L, S1);
			keep(3, 4, S1);
			this.writes.add(new Write("B", 4, 4, null, s(5.2), s(5.21), Outcome.REFUSED, "moving"));
			// a write whose outcome is unknown, which happened
			this.writes.add(new Write("A", 5, 2, S0, s(6), s(7.5), Outcome.UNKNOWN, "socket timeout"));
			keep(5, 2, S0);
			read("A", S0, 1.5, R0, 1);
			read("B", S1, 1.6, R1, 1);
			this.readBacks.add(new ReadBack("A", 1, S0, s(1.02), P0, true));
			// a replica fault of shard-0: its reads go to the primary, then to the healed replica
			this.windows.add(new Window(FaultKind.REPLICA_KILL, S0, List.of(R0), null, s(10), s(12)));
			for (int i = 0; i < 10; i++) {
				read("A", S0, 10.1 + i * 0.1, P0, 10);
				read("B", S0, 10.15 + i * 0.1, P0, 10);
			}
			read("A", S0, 12.5, R0, 12);
			read("B", S0, 12.6, R0, 12);
			// a primary fault of shard-0: its writes are refused fast, shard-1 keeps writing
			this.windows.add(new Window(FaultKind.PRIMARY_KILL, S0, List.of(P0), null, s(20), s(22)));
			this.writes.add(new Write("A", 6, 2, S0, s(20.5), s(20.51), Outcome.REFUSED, "primary down"));
			read("A", S0, 20.4, R0, 20);
			acknowledged("A", 7, 3, S1, 20.6);
			acknowledged("B", 8, 5, S1, 20.7);
			acknowledged("A", 9, 2, S0, 22.5);
			acknowledged("B", 10, 6, S0, 22.6);
			// one instance's pool to shard-1's replica held: its reads go elsewhere, quickly
			this.windows.add(new Window(FaultKind.REPLICA_POOL_EXHAUSTED, S1, List.of(R1), "A", s(30), s(32)));
			for (int i = 0; i < 10; i++) {
				read("A", S1, 30.1 + i * 0.1, P1, 30);
			}
			read("A", S1, 32.5, R1, 32);
			read("B", S1, 32.6, R1, 32);
			this.active.put("A/shardline-shard-0-primary", 0);
			this.active.put("B/shardline-shard-0-primary", 0);
			this.health.put("A/shardline", "UP");
			this.health.put("A/shard-0/replica-0 state", "UP");
		}

		void acknowledged(String instance, long id, long key, String shard, double at) {
			this.writes.add(new Write(instance, id, key, shard, s(at), s(at + 0.01), Outcome.ACKNOWLEDGED, null));
			keep(id, key, shard);
		}

		void keep(long id, long key, String shard) {
			this.rows.forEach((node, rows) -> {
				if (node.startsWith(shard)) {
					rows.put(id, key);
				}
			});
		}

		void read(String instance, String shard, double at, String node, long seq) {
			this.reads.add(new Read(instance, shard, s(at), s(at + 0.002), node, seq, null));
		}

		List<CheckResult> check() {
			ChaosRecording recording = new ChaosRecording(List.of("A", "B"), this.writes, this.reads, this.readBacks,
					this.ticks, this.windows, this.ejections);
			List<ServerState.NodeRows> nodes = new ArrayList<>();
			this.rows.forEach((node, rows) -> nodes.add(new ServerState.NodeRows(node, node.substring(0, 7), rows)));
			ServerState servers = new ServerState(nodes, this.directory, this.active, this.health);
			return new ChaosChecks(recording, servers, LIMITS, ChaosChecksTests::ring).all();
		}

	}

	/** Applies one violation to the clean run and returns the names of the checks that failed. */
	private static List<String> failing(Consumer<Run> violation) {
		Run run = new Run();
		violation.accept(run);
		List<CheckResult> results = run.check();
		assertThat(results).hasSize(13);
		results.forEach(System.out::println);
		return results.stream().filter((r) -> !r.passed()).map(CheckResult::name).toList();
	}

	@Test
	void aCleanRunPassesEveryCheck() {
		assertThat(failing((run) -> {
		})).isEmpty();
	}

	@Test
	void anAcknowledgedRowDeletedOnAReplicaIsLost() {
		assertThat(failing((run) -> run.rows.get(R0).remove(1L))).containsExactly("no acknowledged write lost");
	}

	@Test
	void aRowOnTwoShardsIsADuplicate() {
		assertThat(failing((run) -> run.rows.get(P1).put(1L, 2L))).containsExactly("no duplicate or misplaced row");
	}

	@Test
	void aRowOffItsKeysOwnerIsMisplaced() {
		// the moved key's row left behind on the source
		assertThat(failing((run) -> {
			run.rows.get(P1).remove(3L);
			run.rows.get(R1).remove(3L);
			run.rows.get(P0).put(3L, 4L);
		})).containsExactlyInAnyOrder("no duplicate or misplaced row", "no acknowledged write lost");
		// a row whose write had an unknown outcome, on the wrong shard
		assertThat(failing((run) -> {
			run.rows.get(P0).remove(5L);
			run.rows.get(R0).remove(5L);
			run.rows.get(P1).put(5L, 2L);
		})).containsExactly("no duplicate or misplaced row");
		// a row nobody wrote
		assertThat(failing((run) -> run.rows.get(P0).put(99L, 2L))).containsExactly("no duplicate or misplaced row");
	}

	@Test
	void aRefusedWriteThatLandedIsPresent() {
		assertThat(failing((run) -> run.rows.get(P0).put(6L, 2L))).containsExactly("no refused write present");
	}

	@Test
	void aReadOlderThanMaxLagPlusTwoIntervalsIsStale() {
		// at 15 s the replica returns the clock of 12 s: 13 was acknowledged 2 s before the read
		assertThat(failing((run) -> run.read("A", S0, 15.0, R0, 12))).isEmpty();
		// the same read 0.6 s later is 2.6 s behind: beyond 2 s + 2 x 250 ms
		assertThat(failing((run) -> run.read("A", S0, 15.6, R0, 12))).containsExactly("no stale read");
	}

	@Test
	void aReadBackThatMissesItsWriteIsAReadYourWritesMiss() {
		assertThat(failing((run) -> run.readBacks.add(new ReadBack("B", 8, S1, s(20.72), R1, false))))
			.containsExactly("no read-your-writes miss");
	}

	@Test
	void aConnectionStillActiveAfterTheLoadIsALeak() {
		assertThat(failing((run) -> run.active.put("B/shardline-shard-1-replica-0", 1)))
			.containsExactly("no leaked connection");
	}

	@Test
	void moreThanOnePercentOfFailedReadsDuringAReplicaFaultIsUnavailability() {
		assertThat(failing((run) -> run.reads.add(new Read("A", S0, s(11), s(12.5), null, 0, "socket timeout"))))
			.containsExactly("reads available during replica faults");
	}

	@Test
	void moreThanOnePercentOfFailedReadsDuringAPrimaryFaultIsUnavailability() {
		assertThat(failing((run) -> {
			for (int i = 0; i < 10; i++) {
				run.read("A", S0, 20.1 + i * 0.1, R0, 20);
			}
			run.reads.add(new Read("B", S0, s(20.5), s(20.51), null, 0, "primary unreachable"));
		})).containsExactly("reads available during primary faults");
	}

	@Test
	void aRefusedOrSlowWriteToAnotherShardDuringAPrimaryFaultFails() {
		assertThat(failing((run) -> run.writes
			.add(new Write("B", 11, 3, S1, s(21), s(21.2), Outcome.REFUSED, "directory unavailable"))))
			.containsExactly("other shards' writes during primary faults");
		assertThat(failing((run) -> {
			run.writes.add(new Write("B", 11, 3, S1, s(21), s(24), Outcome.ACKNOWLEDGED, null));
			run.keep(11, 3, S1);
		})).containsExactly("other shards' writes during primary faults");
	}

	@Test
	void aWriteThatFailsAfterConnectTimeoutPlusOneSecondIsSlow() {
		assertThat(failing(
				(run) -> run.writes.add(new Write("A", 12, 2, S0, s(40), s(42.1), Outcome.UNKNOWN, "socket timeout"))))
			.containsExactly("failed writes fail fast");
	}

	@Test
	void aNodeThatNeverServesAnInstanceAgainIsNotHealed() {
		assertThat(failing((run) -> run.reads.removeIf((r) -> r.instance().equals("B") && R0.equals(r.node())
				&& r.startNanos() > s(12)))).containsExactly("healed nodes serve again");
		assertThat(failing((run) -> {
			run.reads.removeIf((r) -> r.instance().equals("B") && R0.equals(r.node()) && r.startNanos() > s(12));
			run.read("B", S0, 28, R0, 28);
		})).containsExactly("healed nodes serve again");
	}

	@Test
	void aComponentNotUpAtTheEndFailsHealth() {
		assertThat(failing((run) -> run.health.put("B/shard-1/replica-0 state", "EJECTED")))
			.containsExactly("health UP at the end");
	}

	@Test
	void aHeldPoolThatMakesReadsWaitOrGetsItsReplicaEjectedIsTreatedAsDead() {
		assertThat(failing((run) -> run.reads.add(new Read("A", S1, s(30.2), s(31.25), P1, 30, null))))
			.containsExactly("busy pool is not a dead node");
		assertThat(failing((run) -> run.ejections.add(new Ejection("A", R1, s(30.5)))))
			.containsExactly("busy pool is not a dead node");
	}

	@Test
	void onlyShardlinesOwnRefusalsCountAsRefusedBeforeAnyStatement() {
		assertThat(Outcome.of(new ShardUnavailableException(S0, "primary down", null))).isEqualTo(Outcome.REFUSED);
		assertThat(Outcome.of(new IllegalStateException(new ShardMovingException(4L, S0, S1))))
			.isEqualTo(Outcome.REFUSED);
		assertThat(Outcome.of(new RecoverableDataAccessException("Communications link failure")))
			.isEqualTo(Outcome.UNKNOWN);
	}

}
