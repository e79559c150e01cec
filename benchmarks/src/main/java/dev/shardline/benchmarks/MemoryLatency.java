package dev.shardline.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * This machine's latency of one dependent random memory read by working-set size: a pointer chase
 * through a random cycle over one int per 64-byte cache line of an array of the given size, so each
 * read waits for the one before. Where the figure jumps is where the working set leaves the caches
 * this JVM gets; a ring look-up that reads one random bucket of a ring larger than that waits about
 * this long at least once (see BENCHMARKS.md, "Fleet scale").
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.shardline.benchmarks.MemoryLatency 2,4,6,8,16,64}
 * (sizes in MB).
 */
public final class MemoryLatency {

	private static final int INTS_PER_LINE = 16;

	private static final int READS = 5_000_000;

	private MemoryLatency() {
	}

	public static void main(String[] args) {
		String[] sizes = ((args.length > 0) ? args[0] : "2,4,6,8,16,64").split(",");
		System.out.println("| Working set (MB) | Dependent read, median of 5 (ns) | min–max (ns) |");
		System.out.println("|---|---|---|");
		for (String size : sizes) {
			int megabytes = Integer.parseInt(size.trim());
			int lines = megabytes * 1024 * 1024 / 64;
			int[] next = cycle(lines);
			double[] ns = new double[5];
			int at = 0;
			for (int round = -2; round < ns.length; round++) {
				long start = System.nanoTime();
				for (int i = 0; i < READS; i++) {
					at = next[at];
				}
				if (round >= 0) {
					ns[round] = (System.nanoTime() - start) / (double) READS;
				}
			}
			Arrays.sort(ns);
			System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f–%.1f |%n", megabytes, ns[2], ns[0], ns[4]);
			if (at < 0) {
				System.out.println(at); // keeps the chase live
			}
		}
	}

	/** One int per cache line; line k's int holds the index of the next line's int on a random cycle through all. */
	private static int[] cycle(int lines) {
		int[] order = new int[lines];
		for (int i = 0; i < lines; i++) {
			order[i] = i;
		}
		SplittableRandom random = new SplittableRandom(42);
		for (int i = lines - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int swap = order[i];
			order[i] = order[j];
			order[j] = swap;
		}
		int[] next = new int[lines * INTS_PER_LINE];
		for (int i = 0; i < lines; i++) {
			next[order[i] * INTS_PER_LINE] = order[(i + 1) % lines] * INTS_PER_LINE;
		}
		return next;
	}

}
