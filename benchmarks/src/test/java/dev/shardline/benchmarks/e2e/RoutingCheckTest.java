package dev.shardline.benchmarks.e2e;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routing check fails misrouted load, whatever its throughput, and tolerates the
 * replication monitor's few background statements.
 */
class RoutingCheckTest {

	private static final RoutingCheck.Layout LAYOUT = new RoutingCheck.Layout(
			List.of("shard-0-primary", "shard-0-replica-0", "shard-1-primary", "shard-1-replica-0"), 0, 1, 2, 3);

	/** Five 1-second slices with two Shardline children's monitors running. */
	private static final long ALLOWANCE = 5 * RoutingCheck.allowance(1, 2);

	@Test
	void readOnlyLoadOnItsReplicaWithHeartbeatsPasses() {
		long[][] delta = { { 0, 5 }, { 10_000 + 3, 5 }, { 0, 5 }, { 4, 5 } };
		RoutingCheck.Verdict verdict = RoutingCheck.check(Workload.W2, 10_000, 10_000, 0, delta, LAYOUT, ALLOWANCE);
		assertThat(verdict.passed()).as(verdict.problems()).isTrue();
	}

	@Test
	void readOnlyLoadServedByThePrimaryFails() {
		long[][] delta = { { 10_000, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
		RoutingCheck.Verdict verdict = RoutingCheck.check(Workload.W2, 10_000, 10_000, 0, delta, LAYOUT, ALLOWANCE);
		assertThat(verdict.passed()).isFalse();
		assertThat(verdict.problems()).contains("shard-0-primary Com_select 10000", "shard-0-replica-0 Com_select 0");
	}

	@Test
	void aFewMisroutedReadsFail() {
		long[][] delta = { { 0, 0 }, { 9_900, 0 }, { 100, 0 }, { 0, 0 } };
		assertThat(RoutingCheck.check(Workload.W2, 10_000, 10_000, 0, delta, LAYOUT, ALLOWANCE).passed()).isFalse();
	}

	@Test
	void keyedLoadOnTheWrongShardFails() {
		long[][] delta = { { 6_000, 0 }, { 0, 0 }, { 4_000, 0 }, { 0, 0 } };
		assertThat(RoutingCheck.check(Workload.W3, 10_000, 4_000, 6_000, delta, LAYOUT, ALLOWANCE).passed()).isFalse();
	}

	@Test
	void anExtraStatementPerOperationFails() {
		long[][] delta = { { 2 * 10_000, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
		assertThat(RoutingCheck.check(Workload.W1, 10_000, 10_000, 0, delta, LAYOUT, ALLOWANCE).passed()).isFalse();
	}

	@Test
	void insertsOnPrimariesPassWhateverTheReplicasApplied() {
		long[][] delta = { { 0, 5_010 }, { 1, 5_010 }, { 0, 4_990 }, { 1, 4_000 } };
		RoutingCheck.Verdict verdict = RoutingCheck.check(Workload.W4, 10_000, 5_010, 4_990, delta, LAYOUT, ALLOWANCE);
		assertThat(verdict.passed()).as(verdict.problems()).isTrue();
	}

	@Test
	void keysAllOnOneShardFailTheSpreadCheck() {
		long[][] delta = { { 10_000, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
		RoutingCheck.Verdict verdict = RoutingCheck.check(Workload.W3, 10_000, 10_000, 0, delta, LAYOUT, ALLOWANCE);
		assertThat(verdict.passed()).isFalse();
		assertThat(verdict.problems()).contains("not spread");
	}

	@Test
	void allowanceGrowsWithTheWindowAndTheMonitorsRunning() {
		assertThat(RoutingCheck.allowance(1, 1)).isEqualTo(6);
		assertThat(RoutingCheck.allowance(1, 2)).isEqualTo(12);
		assertThat(RoutingCheck.allowance(5, 1)).isEqualTo(14);
		// a run without Shardline children keeps one monitor's margin
		assertThat(RoutingCheck.allowance(1, 0)).isEqualTo(6);
	}

	@Test
	void backgroundStatementsBeyondTheAllowanceFail() {
		long[][] delta = { { ALLOWANCE + 1, 0 }, { 10_000, 0 }, { 0, 0 }, { 0, 0 } };
		assertThat(RoutingCheck.check(Workload.W2, 10_000, 10_000, 0, delta, LAYOUT, ALLOWANCE).passed()).isFalse();
		delta[0][0] = ALLOWANCE;
		assertThat(RoutingCheck.check(Workload.W2, 10_000, 10_000, 0, delta, LAYOUT, ALLOWANCE).passed()).isTrue();
	}

	@Test
	void scatterNeedsOneStatementOnEachReplica() {
		long[][] ok = { { 0, 0 }, { 3_000, 0 }, { 0, 0 }, { 3_000, 0 } };
		long[][] onPrimaries = { { 3_000, 0 }, { 0, 0 }, { 3_000, 0 }, { 0, 0 } };
		assertThat(RoutingCheck.check(Workload.W5, 3_000, 0, 0, ok, LAYOUT, ALLOWANCE).passed()).isTrue();
		assertThat(RoutingCheck.check(Workload.W5, 3_000, 0, 0, onPrimaries, LAYOUT, ALLOWANCE).passed()).isFalse();
	}

}
