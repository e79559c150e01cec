package dev.shardline.scatter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Merges per-shard results (a map of shard name to result, in topology order, as
 * {@link ShardTemplate#scatter} and {@link ShardTemplate#forKeys} return them) into one value.
 * Use with {@link ScatterResult#map}: {@code shardTemplate.scatter(...).map(ShardMerge::sum)}.
 */
public final class ShardMerge {

	private ShardMerge() {
	}

	/**
	 * Concatenates the shards' collections in shard order; null results count as empty.
	 * @param <E> the element type
	 * @param byShard the results by shard
	 * @return a new modifiable list
	 */
	public static <E> List<E> concat(Map<String, ? extends Collection<? extends E>> byShard) {
		int size = 0;
		for (Collection<? extends E> part : byShard.values()) {
			size += (part != null) ? part.size() : 0;
		}
		List<E> merged = new ArrayList<>(size);
		for (Collection<? extends E> part : byShard.values()) {
			if (part != null) {
				merged.addAll(part);
			}
		}
		return merged;
	}

	/**
	 * Adds the shards' numbers as longs (a total count is the sum of the per-shard counts);
	 * null results (a SQL {@code SUM} over no rows) count as zero.
	 * @param byShard the results by shard
	 * @return the sum
	 * @throws ArithmeticException if the sum overflows a long
	 */
	public static long sum(Map<String, ? extends Number> byShard) {
		long sum = 0;
		for (Number part : byShard.values()) {
			if (part != null) {
				sum = Math.addExact(sum, part.longValue());
			}
		}
		return sum;
	}

	/**
	 * The smallest of the shards' values, ignoring null results (a SQL {@code MIN} over no rows).
	 * @param <C> the value type
	 * @param byShard the results by shard
	 * @return the minimum, or empty when no shard had a value
	 */
	public static <C extends Comparable<? super C>> Optional<C> min(Map<String, ? extends C> byShard) {
		return extreme(byShard, -1);
	}

	/**
	 * The largest of the shards' values, ignoring null results (a SQL {@code MAX} over no rows).
	 * @param <C> the value type
	 * @param byShard the results by shard
	 * @return the maximum, or empty when no shard had a value
	 */
	public static <C extends Comparable<? super C>> Optional<C> max(Map<String, ? extends C> byShard) {
		return extreme(byShard, 1);
	}

	private static <C extends Comparable<? super C>> Optional<C> extreme(Map<String, ? extends C> byShard,
			int sign) {
		C best = null;
		for (C value : byShard.values()) {
			if (value != null && (best == null || Integer.signum(value.compareTo(best)) == sign)) {
				best = value;
			}
		}
		return Optional.ofNullable(best);
	}

	/**
	 * A merge of per-shard lists that are each sorted by {@code order} into the first {@code n}
	 * elements overall: a k-way merge that looks at no more than {@code n} elements plus one
	 * head per shard, never a re-sort. Each shard should return its own first {@code n} (e.g.
	 * {@code ORDER BY ... LIMIT n} matching the comparator). Ties keep shard order.
	 * @param <E> the element type
	 * @param n how many elements to keep, at least 0
	 * @param order the order every shard's list is sorted by
	 * @return the merge function
	 * @throws IllegalArgumentException (from the function) when a shard's list turns out not
	 * to be sorted by {@code order}, naming the shard
	 */
	public static <E> Function<Map<String, ? extends List<? extends E>>, List<E>> top(int n,
			Comparator<? super E> order) {
		if (n < 0) {
			throw new IllegalArgumentException("n must not be negative: " + n);
		}
		return (byShard) -> kWayMerge(byShard, order, n);
	}

	private static <E> List<E> kWayMerge(Map<String, ? extends List<? extends E>> byShard,
			Comparator<? super E> order, int n) {
		PriorityQueue<Cursor<E>> heads = new PriorityQueue<>(Math.max(1, byShard.size()), (a, b) -> {
			int compared = order.compare(a.head, b.head);
			return (compared != 0) ? compared : Integer.compare(a.index, b.index);
		});
		int index = 0;
		for (Map.Entry<String, ? extends List<? extends E>> part : byShard.entrySet()) {
			if (part.getValue() != null && !part.getValue().isEmpty()) {
				heads.add(new Cursor<>(part.getKey(), index, part.getValue().iterator()));
			}
			index++;
		}
		List<E> merged = new ArrayList<>(Math.min(n, 1024));
		while (merged.size() < n && !heads.isEmpty()) {
			Cursor<E> cursor = heads.poll();
			E head = cursor.head;
			merged.add(head);
			if (cursor.advance()) {
				if (order.compare(head, cursor.head) > 0) {
					// Only the part actually merged is checked, so checking costs nothing extra.
					throw new IllegalArgumentException("The results of " + cursor.shard
							+ " are not sorted by the merge's comparator: " + head + " comes before " + cursor.head);
				}
				heads.add(cursor);
			}
		}
		return merged;
	}

	private static final class Cursor<E> {

		private final String shard;

		private final int index;

		private final Iterator<? extends E> rest;

		private E head;

		Cursor(String shard, int index, Iterator<? extends E> rest) {
			this.shard = shard;
			this.index = index;
			this.rest = rest;
			this.head = rest.next();
		}

		boolean advance() {
			if (!this.rest.hasNext()) {
				return false;
			}
			this.head = this.rest.next();
			return true;
		}

	}

}
