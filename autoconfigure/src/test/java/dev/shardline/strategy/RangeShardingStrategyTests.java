package dev.shardline.strategy;

import java.math.BigInteger;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RangeShardingStrategyTests {

	private final RangeShardingStrategy numeric = new RangeShardingStrategy(
			List.of(new RangeShardingStrategy.Rule("0", "1000000", "shard-0"),
					new RangeShardingStrategy.Rule("1000000", "2000000", "shard-1"),
					new RangeShardingStrategy.Rule("2000000", null, "shard-2")));

	@Test
	void numericRangesAreInclusiveExclusiveAndOpenEnded() {
		assertThat(this.numeric.shardFor(0L)).isEqualTo("shard-0");
		assertThat(this.numeric.shardFor(999_999)).isEqualTo("shard-0");
		assertThat(this.numeric.shardFor(1_000_000L)).isEqualTo("shard-1");
		assertThat(this.numeric.shardFor(BigInteger.valueOf(1_999_999))).isEqualTo("shard-1");
		assertThat(this.numeric.shardFor(2_000_000L)).isEqualTo("shard-2");
		assertThat(this.numeric.shardFor(Long.MAX_VALUE - 1)).isEqualTo("shard-2");
	}

	@Test
	void keysBelowTheFirstRangeAreRefusedClearly() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.numeric.shardFor(-1L))
			.withMessageContaining("outside every shardline.range rule");
		assertThatIllegalArgumentException().isThrownBy(() -> this.numeric.shardFor("42"))
			.withMessageContaining("ShardKeyConverter");
	}

	@Test
	void geographicStringRanges() {
		RangeShardingStrategy byCountry = new RangeShardingStrategy(
				List.of(new RangeShardingStrategy.Rule("A", "M", "eu"), new RangeShardingStrategy.Rule("M", "ZZ", "us")));
		assertThat(byCountry.shardFor("DE")).isEqualTo("eu");
		assertThat(byCountry.shardFor("US")).isEqualTo("us");
		assertThat(byCountry.shardFor("M")).isEqualTo("us");
	}

	@Test
	void dateRangesCompareAsIsoStrings() {
		RangeShardingStrategy byMonth = new RangeShardingStrategy(List.of(
				new RangeShardingStrategy.Rule("2024-01-01", "2025-01-01", "archive"),
				new RangeShardingStrategy.Rule("2025-01-01", null, "current")));
		assertThat(byMonth.shardFor("2024-12-31")).isEqualTo("archive");
		assertThat(byMonth.shardFor("2025-03-01")).isEqualTo("current");
	}

	@Test
	void gapsOverlapsAndOpenMiddlesAreReported() {
		assertThat(RangeShardingStrategy.check(List.of(new RangeShardingStrategy.Rule("0", "10", "a"),
				new RangeShardingStrategy.Rule("20", "30", "b"))))
			.singleElement()
			.asString()
			.startsWith("[1] leaves a gap");
		assertThat(RangeShardingStrategy.check(List.of(new RangeShardingStrategy.Rule("0", "10", "a"),
				new RangeShardingStrategy.Rule("5", "30", "b"))))
			.singleElement()
			.asString()
			.startsWith("[1] overlaps");
		assertThat(RangeShardingStrategy.check(List.of(new RangeShardingStrategy.Rule("0", null, "a"),
				new RangeShardingStrategy.Rule("5", "30", "b"))))
			.anySatisfy((problem) -> assertThat(problem).startsWith("[0].to is missing"));
		assertThat(RangeShardingStrategy.check(List.of(new RangeShardingStrategy.Rule("10", "5", "a"))))
			.singleElement()
			.asString()
			.contains("empty or reversed");
	}

}
