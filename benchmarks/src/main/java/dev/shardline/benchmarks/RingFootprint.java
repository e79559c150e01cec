package dev.shardline.benchmarks;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.shardline.ring.HashRing;

/**
 * The ring's memory by shard count, at the default virtual nodes: its look-up arrays (lengths
 * times element size, read by reflection) and the heap it retains as measured (used heap
 * after full GCs, before and after building it), with the time to build it; for the packed
 * {@link HashRing} and, in the same run, the baseline {@link LongArrayRing} (the same points
 * stored as longs). Look-up cost by shard count is {@link RingBenchmark}'s.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.shardline.benchmarks.RingFootprint}
 * (give it {@code -Xmx1g} or more for 1,024 shards).
 */
public final class RingFootprint {

	private RingFootprint() {
	}

	public static void main(String[] args) throws Exception {
		int[] counts = { 2, 16, 64, 256, 1024 };
		System.out.println("| Ring | Shards | Points | Look-up arrays (MB) | Retained, measured (MB) | Bytes/point | Build (ms) |");
		System.out.println("|---|---|---|---|---|---|---|");
		for (int shards : counts) {
			Map<String, Integer> weights = new LinkedHashMap<>();
			for (int i = 0; i < shards; i++) {
				weights.put("shard-" + i, 1);
			}
			measure("packed (HashRing)", shards, () -> new HashRing(weights));
			measure("baseline (LongArrayRing)", shards, () -> new LongArrayRing(weights));
		}
	}

	private static void measure(String name, int shards, java.util.function.Supplier<Object> build) throws Exception {
		// several rings of the small sizes, so the measured difference is well above GC noise
		int copies = Math.max(1, 64 / shards);
		List<Object> rings = new ArrayList<>();
		long before = usedAfterGc();
		long start = System.nanoTime();
		for (int c = 0; c < copies; c++) {
			rings.add(build.get());
		}
		long buildMillis = (System.nanoTime() - start) / 1_000_000 / copies;
		long retained = (usedAfterGc() - before) / copies;
		long arrays = arrayBytes(rings.get(0));
		long points = (long) shards * HashRing.DEFAULT_VIRTUAL_NODES;
		System.out.printf(Locale.ROOT, "| %s | %d | %,d | %.2f | %.2f | %.1f | %d |%n", name, shards, points,
				arrays / 1048576.0, retained / 1048576.0, (double) retained / points, buildMillis);
		rings.clear();
	}

	/** Sum of the ring's array fields: length times element size plus a 16-byte header each. */
	static long arrayBytes(Object ring) throws IllegalAccessException {
		long total = 0;
		for (Field field : ring.getClass().getDeclaredFields()) {
			if (Modifier.isStatic(field.getModifiers()) || !field.getType().isArray()) {
				continue;
			}
			field.setAccessible(true);
			Object array = field.get(ring);
			if (array == null) {
				continue; // the other layout's arrays
			}
			Class<?> type = field.getType().getComponentType();
			if (type.isArray()) {
				// byte[][]: the per-shard label prefixes
				for (int i = 0; i < Array.getLength(array); i++) {
					total += 16 + Array.getLength(Array.get(array, i));
				}
			}
			int element = (type == long.class || type == double.class) ? 8
					: (type == int.class || type == float.class) ? 4
							: (type == char.class || type == short.class) ? 2 : (type == byte.class) ? 1 : 4;
			total += 16 + (long) Array.getLength(array) * element;
		}
		return total;
	}

	private static long usedAfterGc() throws InterruptedException {
		Runtime runtime = Runtime.getRuntime();
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(50);
		}
		return runtime.totalMemory() - runtime.freeMemory();
	}

}
