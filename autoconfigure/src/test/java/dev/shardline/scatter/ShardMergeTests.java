package dev.shardline.scatter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The merge functions on their own (the integration tests merge real shards' results).
 */
class ShardMergeTests {

	@Test
	void topIsTheFirstNOfAllShardsTogether() {
		Random random = new Random(7);
		for (int round = 0; round < 200; round++) {
			Map<String, List<Integer>> byShard = new LinkedHashMap<>();
			List<Integer> all = new ArrayList<>();
			for (int shard = 0; shard < 1 + random.nextInt(5); shard++) {
				List<Integer> values = new ArrayList<>();
				for (int i = random.nextInt(8); i > 0; i--) {
					values.add(random.nextInt(20));
				}
				values.sort(Comparator.reverseOrder());
				byShard.put("shard-" + shard, values);
				all.addAll(values);
			}
			int n = random.nextInt(12);
			all.sort(Comparator.reverseOrder());
			assertThat(ShardMerge.top(n, Comparator.<Integer>reverseOrder()).apply(byShard))
				.containsExactlyElementsOf(all.subList(0, Math.min(n, all.size())));
		}
	}

	@Test
	void topKeepsShardOrderOnTiesAndNamesAnUnsortedShard() {
		Map<String, List<String>> byShard = new LinkedHashMap<>();
		byShard.put("shard-0", List.of("a0", "b0"));
		byShard.put("shard-1", List.of("a1", "b1"));
		Comparator<String> firstLetter = Comparator.comparing((value) -> value.charAt(0));
		assertThat(ShardMerge.top(3, firstLetter).apply(byShard)).containsExactly("a0", "a1", "b0");

		byShard.put("shard-2", List.of("a2", "c2", "b2"));
		assertThatIllegalArgumentException().isThrownBy(() -> ShardMerge.top(9, firstLetter).apply(byShard))
			.withMessageContaining("shard-2")
			.withMessageContaining("not sorted");
	}

	@Test
	void sumMinMaxAndConcatSkipNulls() {
		Map<String, Long> numbers = new LinkedHashMap<>();
		numbers.put("shard-0", 4L);
		numbers.put("shard-1", null);
		numbers.put("shard-2", -1L);
		assertThat(ShardMerge.sum(numbers)).isEqualTo(3L);
		assertThat(ShardMerge.min(numbers)).contains(-1L);
		assertThat(ShardMerge.max(numbers)).contains(4L);
		assertThat(ShardMerge.max(Map.<String, Long>of())).isEmpty();
		Map<String, List<String>> lists = new LinkedHashMap<>();
		lists.put("shard-0", List.of("x"));
		lists.put("shard-1", null);
		lists.put("shard-2", List.of("y", "z"));
		assertThat(ShardMerge.concat(lists)).containsExactly("x", "y", "z");
	}

}
