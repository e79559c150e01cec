package dev.shardline.rebalance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches are grouped by pair and bounded by rows and keys; an oversized key goes alone. */
class BatchesTests {

	private static PlannedKey key(int i, String from, String to, long rows) {
		return new PlannedKey("l:" + i, from, to, rows);
	}

	@Test
	void batchesStopAtTheRowBound() {
		List<PlannedKey> keys = List.of(key(1, "a", "b", 400), key(2, "a", "b", 400), key(3, "a", "b", 300),
				key(4, "a", "b", 1));
		List<List<PlannedKey>> batches = Batches.cut(keys, 1000, 500);
		// 400 + 400 + 300 > 1000: the third key starts the next batch.
		assertThat(batches).extracting(List::size).containsExactly(2, 2);
		assertThat(batches.get(1)).extracting(PlannedKey::key).containsExactly("l:3", "l:4");
	}

	@Test
	void batchesStopAtTheKeyBound() {
		List<PlannedKey> keys = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			keys.add(key(i, "a", "b", 0));
		}
		assertThat(Batches.cut(keys, 5000, 3)).extracting(List::size).containsExactly(3, 3, 1);
	}

	@Test
	void aKeyLargerThanTheRowBoundIsABatchOfItsOwn() {
		List<PlannedKey> keys = List.of(key(1, "a", "b", 10), key(2, "a", "b", 9000), key(3, "a", "b", 10));
		assertThat(Batches.cut(keys, 5000, 500)).extracting(List::size).containsExactly(1, 1, 1);
	}

	@Test
	void exactlyTheRowBoundFitsInOneBatch() {
		List<PlannedKey> keys = List.of(key(1, "a", "b", 2500), key(2, "a", "b", 2500));
		assertThat(Batches.cut(keys, 5000, 500)).hasSize(1);
		assertThat(Batches.cut(List.of(), 5000, 500)).isEmpty();
	}

	@Test
	void keysAreGroupedByPairInOrder() {
		List<PlannedKey> keys = List.of(key(1, "a", "c", 1), key(2, "b", "c", 1), key(3, "a", "c", 1),
				key(4, "a", "b", 1));
		Map<Batches.Pair, List<PlannedKey>> byPair = Batches.byPair(keys);
		assertThat(byPair.keySet()).containsExactly(new Batches.Pair("a", "c"), new Batches.Pair("b", "c"),
				new Batches.Pair("a", "b"));
		assertThat(byPair.get(new Batches.Pair("a", "c"))).extracting(PlannedKey::key).containsExactly("l:1", "l:3");
	}

}
