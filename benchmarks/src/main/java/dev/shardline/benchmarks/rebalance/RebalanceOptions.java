package dev.shardline.benchmarks.rebalance;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of the rebalance benchmark.
 *
 * @param keys keys seeded on the first two shards
 * @param rowsPerKey rows seeded per key
 * @param foregroundThreads foreground threads per instance (reads and writes of seeded keys)
 * @param calmSeconds the calm window before the rebalance (also the directory-load window at the
 * default cache size)
 * @param warmupSeconds unmeasured foreground before the calm window (JIT, pools, caches)
 * @param smallCacheSize the directory cache size of the second directory-load window (0: skip it)
 * @param throttle whether a replica of the target is held back during the rebalance
 * @param throttleSeconds how long the replica's applier is stopped from the rebalance's start
 * @param output where report.md and batches.csv go
 * @param extra extra properties of both instances ({@code --set name=value}), e.g. rebalance sizes
 */
public record RebalanceOptions(int keys, int rowsPerKey, int foregroundThreads, double calmSeconds,
		double warmupSeconds, int smallCacheSize, boolean throttle, double throttleSeconds, Path output,
		Map<String, String> extra) {

	static final String USAGE = """
			Rebalance benchmark: seeds keys on 2 of 3 shards (by the 2-shard ring), backfills the directory,
			restarts two application instances with all 3 shards, then plans and runs the 'add' rebalance while
			both instances read and write the keys; reports rows/s, per-key write pause, the foreground's
			throughput and p99 during the rebalance against a calm window, and the directory's look-up load.

			  --keys 20000            keys seeded (on shard-0 and shard-1)
			  --rows-per-key 10       rows per key
			  --threads 2             foreground threads per instance (half reads, half writes); 0: none,
			                          the rebalance alone (this machine's ceiling; no p99 ratio)
			  --calm 20               seconds of calm foreground before the rebalance
			  --warmup 5              unmeasured seconds of foreground before the calm window
			  --small-cache 1000      directory cache size of the second look-up window (0: skip)
			  --throttle              stop the applier of shard-2's replica for --throttle-seconds from the start
			  --throttle-seconds 10
			  --out DIR               output directory (default benchmarks/target/rebalance)
			  --set NAME=VALUE        an extra property of both instances (repeatable), e.g.
			                          --set shardline.rebalance.batch-rows=2000
			  --smoke                 300 keys x 5 rows, 2 s calm, 1 s warm-up, no small-cache window
			""";

	/**
	 * Parses the command line.
	 * @param args the arguments
	 * @return the options
	 */
	public static RebalanceOptions parse(String... args) {
		int keys = 20_000;
		int rows = 10;
		int threads = 2;
		double calm = 20;
		double warmup = 5;
		int smallCache = 1_000;
		boolean throttle = false;
		double throttleSeconds = 10;
		Path out = Path.of("benchmarks", "target", "rebalance");
		Map<String, String> extra = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--smoke" -> {
					keys = 300;
					rows = 5;
					calm = 2;
					warmup = 1;
					// The second directory-load window costs two more application starts: left out.
					smallCache = 0;
					throttleSeconds = 4;
				}
				case "--keys" -> keys = Integer.parseInt(value(args, ++i));
				case "--rows-per-key" -> rows = Integer.parseInt(value(args, ++i));
				case "--threads" -> threads = Integer.parseInt(value(args, ++i));
				case "--calm" -> calm = Double.parseDouble(value(args, ++i));
				case "--warmup" -> warmup = Double.parseDouble(value(args, ++i));
				case "--small-cache" -> smallCache = Integer.parseInt(value(args, ++i));
				case "--throttle" -> throttle = true;
				case "--throttle-seconds" -> throttleSeconds = Double.parseDouble(value(args, ++i));
				case "--out" -> out = Path.of(value(args, ++i));
				case "--set" -> {
					String property = value(args, ++i);
					int equals = property.indexOf('=');
					if (equals < 1) {
						throw new IllegalArgumentException("--set needs name=value\n" + USAGE);
					}
					extra.put(property.substring(0, equals), property.substring(equals + 1));
				}
				default -> throw new IllegalArgumentException("Unknown option " + args[i] + "\n" + USAGE);
			}
		}
		if (keys < 10 || rows < 1 || threads < 0 || calm <= 0 || warmup < 0 || smallCache < 0 || throttleSeconds <= 0) {
			throw new IllegalArgumentException("keys (at least 10), rows and calm must be positive, threads at least 0\n" + USAGE);
		}
		return new RebalanceOptions(keys, rows, threads, calm, warmup, smallCache, throttle, throttleSeconds, out,
				Map.copyOf(extra));
	}

	private static String value(String[] args, int i) {
		if (i >= args.length) {
			throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
		}
		return args[i];
	}

}
