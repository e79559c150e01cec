package dev.shardline.replication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a replica's applied GTID position is turned into "holds every write before t". */
class PositionHistoryTests {

	private static GtidPosition maria(String text) {
		return GtidPosition.parse(text, GtidPosition.Flavor.MARIADB);
	}

	@Test
	void theNewestCoveredSnapshotsTimeCounts() {
		PositionHistory history = new PositionHistory();
		history.read(1_000, maria("0-1-10"));
		history.read(2_000, maria("0-1-12"));
		history.read(3_000, maria("0-1-15"));
		assertThat(history.appliedThroughMicros(maria("0-1-12"))).isEqualTo(2_000);
		assertThat(history.appliedThroughMicros(maria("0-1-14"))).isEqualTo(2_000);
		assertThat(history.appliedThroughMicros(maria("0-1-15"))).isEqualTo(3_000);
		assertThat(history.appliedThroughMicros(maria("0-1-9"))).as("behind everything remembered").isEqualTo(-1);
	}

	@Test
	void emptyPositionsAreNotRecordedSoGtidsOffMeansUnknown() {
		PositionHistory history = new PositionHistory();
		history.read(1_000, maria(""));
		assertThat(history.isKnown()).isFalse();
		assertThat(history.appliedThroughMicros(maria(""))).isEqualTo(-1);
		history.read(2_000, maria("0-1-1"));
		assertThat(history.isKnown()).isTrue();
		assertThat(history.appliedThroughMicros(maria(""))).as("an empty replica holds nothing").isEqualTo(-1);
	}

	@Test
	void everyDomainMustBeCovered() {
		PositionHistory history = new PositionHistory();
		history.read(1_000, maria("0-1-10,1-1-5"));
		assertThat(history.appliedThroughMicros(maria("0-1-10"))).isEqualTo(-1);
		assertThat(history.appliedThroughMicros(maria("0-1-10,1-1-5"))).isEqualTo(1_000);
	}

	@Test
	void onlyTheLastSixtyFourSnapshotsAreKept() {
		PositionHistory history = new PositionHistory();
		for (int i = 1; i <= 100; i++) {
			history.read(i * 1_000L, maria("0-1-" + i));
		}
		assertThat(history.appliedThroughMicros(maria("0-1-36"))).isEqualTo(-1);
		assertThat(history.appliedThroughMicros(maria("0-1-37"))).isEqualTo(37_000);
		assertThat(history.appliedThroughMicros(maria("0-1-100"))).isEqualTo(100_000);
	}

	@Test
	void anUnchangedPositionMovesItsTimeForwardWithoutUsingASlot() {
		PositionHistory history = new PositionHistory();
		history.read(1_000, maria("0-1-1"));
		for (int i = 2; i <= 100; i++) {
			history.read(i * 1_000L, maria("0-1-1"));
		}
		assertThat(history.appliedThroughMicros(maria("0-1-1"))).isEqualTo(100_000);
		history.read(101_000, maria("0-1-2"));
		assertThat(history.appliedThroughMicros(maria("0-1-1"))).as("still remembered").isEqualTo(100_000);
	}

}
