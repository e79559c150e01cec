package dev.shardline.rebalance;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Rows per second over a recent window, and the ETA at that rate (explicit clock, no waiting). */
class RateWindowTests {

	private static final long S = TimeUnit.SECONDS.toNanos(1);

	@Test
	void rateIsRowsInTheWindowOverItsSpan() {
		RateWindow window = new RateWindow(60 * S);
		assertThat(window.rowsPerSecond(0)).isZero();
		window.record(0, 1000);
		window.record(10 * S, 1000);
		// 2,000 rows since the first batch 10 s ago.
		assertThat(window.rowsPerSecond(10 * S)).isCloseTo(200, within(1e-9));
		window.record(100 * S, 3000);
		// The first two fell out of the 60 s window: 3,000 rows over 60 s.
		assertThat(window.rowsPerSecond(100 * S)).isCloseTo(50, within(1e-9));
		// Nothing in the window: no rate.
		assertThat(window.rowsPerSecond(200 * S)).isZero();
	}

	@Test
	void aSingleFirstBatchCountsOverAtLeastOneSecond() {
		RateWindow window = new RateWindow(60 * S);
		window.record(5 * S, 500);
		assertThat(window.rowsPerSecond(5 * S)).isCloseTo(500, within(1e-9));
	}

	@Test
	void etaIsRowsLeftOverTheRate() {
		assertThat(RateWindow.etaSeconds(10_000, 2_000)).isCloseTo(5.0, within(1e-9));
		assertThat(RateWindow.etaSeconds(0, 0)).isZero();
		assertThat(RateWindow.etaSeconds(-3, 100)).isZero();
		assertThat(RateWindow.etaSeconds(10, 0)).isNull();
	}

}
