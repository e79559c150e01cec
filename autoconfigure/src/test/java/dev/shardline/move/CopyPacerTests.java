package dev.shardline.move;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The pacer's own accounting: each pause lasts at least the ratio times the batch before it,
 * and a ratio of 0 never pauses. Inequalities only, which no scheduler delay can break.
 */
class CopyPacerTests {

	@Test
	void pausesAtLeastTheRatioTimesEachBatch() throws InterruptedException {
		CopyPacer pacer = new CopyPacer(2);
		CopyPacer.Pace pace = pacer.start();
		for (int batch = 0; batch < 3; batch++) {
			work(Duration.ofMillis(5));
			pace.batchDone();
		}
		assertThat(pacer.isOn()).isTrue();
		assertThat(pacer.batches()).isEqualTo(3);
		assertThat(pacer.pauses()).isEqualTo(3);
		assertThat(pacer.activeTime()).isGreaterThanOrEqualTo(Duration.ofMillis(15));
		assertThat(pacer.pausedTime()).isGreaterThanOrEqualTo(pacer.activeTime().multipliedBy(2));
	}

	@Test
	void ratioZeroNeverPauses() throws InterruptedException {
		CopyPacer pacer = CopyPacer.off();
		CopyPacer.Pace pace = pacer.start();
		work(Duration.ofMillis(5));
		pace.batchDone();
		assertThat(pacer.isOn()).isFalse();
		assertThat(pacer.batches()).isEqualTo(1);
		assertThat(pacer.pauses()).isZero();
		assertThat(pacer.pausedTime()).isZero();
	}

	@Test
	void refusesNegativeAndNonFiniteRatios() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CopyPacer(-0.1)).withMessageContaining("-0.1");
		assertThatIllegalArgumentException().isThrownBy(() -> new CopyPacer(Double.NaN));
		assertThatIllegalArgumentException().isThrownBy(() -> new CopyPacer(Double.POSITIVE_INFINITY));
	}

	/** Busy for at least the given time (the batch's work, without sleeping). */
	private static void work(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() < until) {
			Thread.onSpinWait();
		}
	}

}
