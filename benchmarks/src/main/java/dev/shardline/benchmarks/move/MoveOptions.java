package dev.shardline.benchmarks.move;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of the key-move benchmark.
 *
 * @param sizes rows per moved key, one size class each
 * @param moves moves per size class
 * @param keysPerSize keys per size class (moved in turn, back and forth between the shards)
 * @param calmSeconds the calm window before each size class's moves
 * @param foregroundThreads foreground writer threads per instance (other keys)
 * @param warmupMoves unmeasured moves before the first class (JIT, pools)
 * @param output where report.md and results.json go
 * @param compareNiceRatio null, or a second copy pacing ratio: each class then also makes
 * {@code moves} moves with a mover using it, alternating with the configured mover's, against the
 * same calm window
 * @param compareBatchRows null, or the compared mover's rows per insert statement (default: the
 * configured mover's)
 */
public record MoveOptions(List<Integer> sizes, int moves, int keysPerSize, double calmSeconds, int foregroundThreads,
		int warmupMoves, Path output, Double compareNiceRatio, Integer compareBatchRows) {

	static final String USAGE = """
			Key-move benchmark: moves keys of each size back and forth between two shards while two application
			instances write them and other keys; reports the write pause (mover and clients), rows/s, and the
			foreground's throughput and p99 during the moves against a calm window just before them.

			  --sizes 10,1000,10000   rows per moved key, one size class each
			  --moves 40              moves per size class
			  --keys 2                keys per size class (moved in turn)
			  --calm 10               seconds of calm foreground before each size class
			  --threads 2             foreground writer threads per instance
			  --warmup 6              unmeasured warm-up moves
			  --out DIR               output directory (default benchmarks/target/moves)
			  --compare-nice-ratio R  also move with copy pacing R, alternating with the configured mover
			                          (shardline.directory.move-copy-nice-ratio, e.g. -D...=0) move by move
			  --compare-batch-rows N  the compared mover's move-batch-rows (default: the configured one)
			  --smoke                 sizes 10,100, 2 moves each, 1 s calm, 1 warm-up move
			""";

	/**
	 * Parses the command line.
	 * @param args the arguments
	 * @return the options
	 */
	public static MoveOptions parse(String... args) {
		List<Integer> sizes = List.of(10, 1_000, 10_000);
		int moves = 40;
		int keys = 2;
		double calm = 10;
		int threads = 2;
		int warmup = 6;
		Path out = Path.of("benchmarks", "target", "moves");
		Double compare = null;
		Integer compareBatch = null;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--smoke" -> {
					sizes = List.of(10, 100);
					moves = 2;
					calm = 1;
					warmup = 1;
				}
				case "--sizes" -> {
					List<Integer> list = new ArrayList<>();
					for (String size : value(args, ++i).split(",")) {
						list.add(Integer.parseInt(size.trim()));
					}
					sizes = List.copyOf(list);
				}
				case "--moves" -> moves = Integer.parseInt(value(args, ++i));
				case "--keys" -> keys = Integer.parseInt(value(args, ++i));
				case "--calm" -> calm = Double.parseDouble(value(args, ++i));
				case "--threads" -> threads = Integer.parseInt(value(args, ++i));
				case "--warmup" -> warmup = Integer.parseInt(value(args, ++i));
				case "--out" -> out = Path.of(value(args, ++i));
				case "--compare-nice-ratio" -> compare = Double.parseDouble(value(args, ++i));
				case "--compare-batch-rows" -> compareBatch = Integer.parseInt(value(args, ++i));
				default -> throw new IllegalArgumentException("Unknown option " + args[i] + "\n" + USAGE);
			}
		}
		if (moves < 1 || keys < 1 || threads < 1 || calm <= 0 || sizes.isEmpty()) {
			throw new IllegalArgumentException("moves, keys, threads and calm must be positive\n" + USAGE);
		}
		if (compareBatch != null && compare == null) {
			throw new IllegalArgumentException("--compare-batch-rows needs --compare-nice-ratio\n" + USAGE);
		}
		return new MoveOptions(sizes, moves, keys, calm, threads, warmup, out, compare, compareBatch);
	}

	private static String value(String[] args, int i) {
		if (i >= args.length) {
			throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
		}
		return args[i];
	}

}
