package dev.shardline.it.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The faults of a chaos run, one after another, with a calm pause between them. {@code short}
 * (part of {@code mvn verify}) injects each fault once with short holds; {@code long}
 * ({@code -Dshardline.chaos.schedule=long}) injects each on every shard with long holds.
 *
 * @param name {@code short} or {@code long}
 * @param calm the pause before each fault
 * @param steps the faults in order
 */
record FaultSchedule(String name, Duration calm, List<Step> steps) {

	/** The system property that selects the schedule. */
	static final String PROPERTY = "shardline.chaos.schedule";

	/**
	 * One fault.
	 * @param kind what to inject
	 * @param shard the shard's index
	 * @param replica the replica's index, where one replica is hit
	 * @param hold how long the fault lasts before it is healed
	 */
	record Step(FaultKind kind, int shard, int replica, Duration hold) {
	}

	static FaultSchedule selected() {
		String name = System.getProperty(PROPERTY, "short");
		return switch (name) {
			case "short" -> quick();
			case "long" -> extended();
			default -> throw new IllegalArgumentException(PROPERTY + " must be short or long, was '" + name + "'");
		};
	}

	/**
	 * Every fault once, replica faults spread over both shards, both primary faults on the
	 * directory's shard (shard-0, the worst case for the other shard's writes).
	 */
	static FaultSchedule quick() {
		Duration hold = Duration.ofSeconds(3);
		// a kill or freeze fails the few reads in flight on the node: 5 s of reads keep them under 1 %
		Duration crash = Duration.ofSeconds(5);
		return new FaultSchedule("short", Duration.ofMillis(1500), List.of(
				new Step(FaultKind.REPLICA_KILL, 0, 0, crash),
				new Step(FaultKind.REPLICA_FREEZE, 1, 0, crash),
				new Step(FaultKind.REPLICA_SQL_STOPPED, 0, 1, Duration.ofMillis(3500)),
				new Step(FaultKind.REPLICA_DELAY_PAST_MAX_LAG, 1, 1, Duration.ofSeconds(5)),
				new Step(FaultKind.REPLICAS_DELAY_WITHIN_MAX_LAG, 0, -1, Duration.ofSeconds(4)),
				new Step(FaultKind.REPLICA_POOL_EXHAUSTED, 1, 0, hold),
				new Step(FaultKind.KEY_MOVE, -1, -1, Duration.ZERO),
				new Step(FaultKind.PRIMARY_KILL, 0, -1, hold),
				new Step(FaultKind.PRIMARY_FREEZE, 0, -1, hold)));
	}

	/** Every fault on every shard (every replica fault on both replicas' turn), long holds, two moves. */
	static FaultSchedule extended() {
		Duration hold = Duration.ofSeconds(10);
		List<Step> steps = new ArrayList<>();
		for (int round = 0; round < 2; round++) {
			int shard = round;
			int other = 1 - round;
			steps.add(new Step(FaultKind.REPLICA_KILL, shard, 0, hold));
			steps.add(new Step(FaultKind.REPLICA_FREEZE, other, 1, hold));
			steps.add(new Step(FaultKind.REPLICA_SQL_STOPPED, shard, 1, hold));
			steps.add(new Step(FaultKind.REPLICA_DELAY_PAST_MAX_LAG, other, 0, hold));
			steps.add(new Step(FaultKind.REPLICAS_DELAY_WITHIN_MAX_LAG, shard, -1, hold));
			steps.add(new Step(FaultKind.REPLICA_POOL_EXHAUSTED, other, round, hold));
			steps.add(new Step(FaultKind.KEY_MOVE, -1, -1, Duration.ZERO));
			steps.add(new Step(FaultKind.PRIMARY_KILL, shard, -1, hold));
			steps.add(new Step(FaultKind.PRIMARY_FREEZE, other, -1, hold));
		}
		return new FaultSchedule("long", Duration.ofSeconds(5), List.copyOf(steps));
	}

}
