package dev.shardline.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

import dev.shardline.ring.HashRing;

/**
 * Ring look-up cost as CPU time per look-up (the thread's own CPU clock, so time the thread spends
 * descheduled on a busy shared machine does not count, unlike {@link RingBenchmark}'s wall clock),
 * the packed {@link HashRing} and the baseline {@link LongArrayRing} alternating round by round on the
 * same keys (65,536 random, cycled), median of the rounds.
 *
 * <p>Run: {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar dev.shardline.benchmarks.RingCpuTime 2,64,1024 15}
 */
public final class RingCpuTime {

	private static final int LOOKUPS = 2_000_000;

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static int sink;

	private RingCpuTime() {
	}

	public static void main(String[] args) {
		String[] counts = ((args.length > 0) ? args[0] : "2,64,1024").split(",");
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 15;
		SplittableRandom random = new SplittableRandom(42);
		Long[] keys = new Long[1 << 16];
		long[] hashes = new long[1 << 16];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = random.nextLong();
			hashes[i] = random.nextLong();
		}
		System.out.println("| Shards | Packed, hash only (ns) | Baseline, hash only (ns) | Packed, Long key (ns) | Baseline, Long key (ns) |");
		System.out.println("|---|---|---|---|---|");
		for (String count : counts) {
			int shards = Integer.parseInt(count.trim());
			Map<String, Integer> weights = new LinkedHashMap<>();
			for (int i = 0; i < shards; i++) {
				weights.put("shard-" + i, 1);
			}
			HashRing packed = new HashRing(weights);
			LongArrayRing baseline = new LongArrayRing(weights);
			List<ToIntFunction<Integer>> cases = List.of((i) -> packed.indexForHash(hashes[i]),
					(i) -> baseline.indexForHash(hashes[i]), (i) -> packed.shardFor(keys[i]).length(),
					(i) -> baseline.shardFor(keys[i]).length());
			List<List<Double>> results = new ArrayList<>();
			cases.forEach((c) -> results.add(new ArrayList<>()));
			for (int round = -3; round < rounds; round++) {
				for (int c = 0; c < cases.size(); c++) {
					// alternate the order so neither side always runs right after the other
					int which = (round % 2 == 0) ? c : cases.size() - 1 - c;
					double ns = cpuNanosPerLookup(cases.get(which));
					if (round >= 0) {
						results.get(which).add(ns);
					}
				}
			}
			System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f |%n", shards, median(results.get(0)),
					median(results.get(1)), median(results.get(2)), median(results.get(3)));
		}
		if (sink == 42) {
			System.out.println();
		}
	}

	private static double cpuNanosPerLookup(ToIntFunction<Integer> lookup) {
		int local = 0;
		long start = THREADS.getCurrentThreadCpuTime();
		for (int n = 0; n < LOOKUPS; n++) {
			local += lookup.applyAsInt(n & 0xFFFF);
		}
		long cpu = THREADS.getCurrentThreadCpuTime() - start;
		sink += local;
		return (double) cpu / LOOKUPS;
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return sorted.get(sorted.size() / 2);
	}

}
