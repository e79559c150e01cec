package dev.shardline.benchmarks.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of {@link EndToEnd}.
 *
 * @param child this JVM is a child running one system
 * @param system the child's system
 * @param systems the systems compared, in their turn order within a slice (the baseline first
 * unless {@code --baseline-last}); the first turn rotates with slice and repetition, so the
 * order matters little
 * @param threads the client thread counts (a child: exactly one)
 * @param workloads the workloads, in order
 * @param repetitions repetitions per thread count
 * @param prewarmSeconds a child's first pass over every workload, before the first warm-up, so
 * the JIT has seen all code paths before anything is measured
 * @param warmupSeconds warm-up before a workload's first measured slice
 * @param measureSeconds measured time per system, workload and repetition, split into slices
 * @param slices how many slices the measured time is split into; the live children take turns
 * slice by slice, so every system's slices sit within seconds of the baseline's
 * @param rewarmSeconds unmeasured load just before each later slice, so a child that sat idle
 * while the others ran starts its slice with warm caches
 * @param startupReference also start a plain Spring Boot application per repetition, for startup
 * @param idBase a child's base for inserted ids
 * @param output where the results and the report are written
 * @param smoke the smoke mode's settings
 * @param jfr record every child with Java Flight Recorder (for analysis: it perturbs the figures)
 * @param breakdown run the per-layer cost breakdown instead of the comparison
 * @param childJvmArguments extra options for every child JVM (diagnosis, e.g. JIT switches)
 */
public record Options(boolean child, SystemKind system, List<SystemKind> systems, List<Integer> threads,
		List<Workload> workloads, int repetitions, double prewarmSeconds, double warmupSeconds, double measureSeconds,
		int slices, double rewarmSeconds, boolean startupReference, long idBase, Path output, boolean smoke, boolean jfr,
		boolean breakdown, List<String> childJvmArguments) {

	static final String USAGE = """
			Usage: java -cp benchmarks.jar dev.shardline.benchmarks.e2e.EndToEnd [options]
			  --smoke               1 repetition, 1 thread, 0.5 s warm-up + 2 x 0.5 s slices, all workloads
			  --reps N              repetitions (default 5)
			  --threads 1,8         client thread counts (default 1,8)
			  --prewarm S           seconds per workload of a first pass in each child (default 2)
			  --warmup S            warm-up seconds before a workload's first slice (default 3)
			  --measure S           measured seconds per system, workload and repetition (default 5)
			  --slices N            slices the measured seconds are split into, systems taking
			                        turns slice by slice (default 5)
			  --rewarm S            unmeasured seconds before each later slice (default 0.5)
			  --workloads W1,...    workloads (default all; W5 only when the scatter API exists)
			  --systems a,b         hikari,boot-hikari,annotated,programmatic (default all four;
			                        the baseline hikari always runs)
			  --baseline-last       the baseline's turn last instead of first (turns rotate anyway)
			  --no-startup-reference  skip the plain Spring Boot startup reference
			  --out DIR             results directory (default benchmarks/target/e2e or target/e2e)
			  --jfr                 record each child with JFR (profile settings) into DIR/logs; analysis only
			  --breakdown           instead: Shardline's per-call CPU and allocation, layer by layer (one JVM)
			  --jvm-arg OPTION      an extra option for every child JVM (repeatable); diagnosis only
			""";

	/**
	 * Parses the arguments.
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException on an unknown or malformed option
	 */
	public static Options parse(String... args) {
		boolean child = false;
		boolean jfr = false;
		boolean breakdown = false;
		List<String> childJvmArguments = new ArrayList<>();
		boolean smoke = Arrays.asList(args).contains("--smoke");
		SystemKind system = null;
		List<SystemKind> systems = List.of(SystemKind.BASELINE, SystemKind.BOOT_HIKARI, SystemKind.ANNOTATED,
				SystemKind.PROGRAMMATIC);
		List<Integer> threads = smoke ? List.of(1) : List.of(1, 8);
		List<Workload> workloads = defaultWorkloads();
		int repetitions = smoke ? 1 : 5;
		double prewarm = smoke ? 0 : 2;
		double warmup = smoke ? 0.5 : 3;
		double measure = smoke ? 1 : 5;
		int slices = smoke ? 2 : 5;
		double rewarm = smoke ? 0.2 : 0.5;
		boolean startupReference = !smoke;
		long idBase = 0;
		Path output = Files.isDirectory(Path.of("benchmarks")) ? Path.of("benchmarks", "target", "e2e")
				: Path.of("target", "e2e");
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			switch (arg) {
				case "--smoke", "--baseline-last" -> {
				}
				case "--child" -> child = true;
				case "--jfr" -> jfr = true;
				case "--breakdown" -> breakdown = true;
				case "--jvm-arg" -> childJvmArguments.add(value(args, ++i, arg));
				case "--no-startup-reference" -> startupReference = false;
				case "--system" -> system = SystemKind.of(value(args, ++i, arg));
				case "--systems" -> {
					List<SystemKind> chosen = new ArrayList<>(
							split(value(args, ++i, arg)).stream().map(SystemKind::of).toList());
					chosen.remove(SystemKind.BASELINE);
					chosen.add(0, SystemKind.BASELINE);
					systems = List.copyOf(chosen);
				}
				case "--threads" -> threads = split(value(args, ++i, arg)).stream().map(Integer::valueOf).toList();
				case "--workloads" -> workloads = split(value(args, ++i, arg)).stream().map(Workload::valueOf).toList();
				case "--reps" -> repetitions = Integer.parseInt(value(args, ++i, arg));
				case "--prewarm" -> prewarm = Double.parseDouble(value(args, ++i, arg));
				case "--warmup" -> warmup = Double.parseDouble(value(args, ++i, arg));
				case "--measure" -> measure = Double.parseDouble(value(args, ++i, arg));
				case "--slices" -> slices = Integer.parseInt(value(args, ++i, arg));
				case "--rewarm" -> rewarm = Double.parseDouble(value(args, ++i, arg));
				case "--id-base" -> idBase = Long.parseLong(value(args, ++i, arg));
				case "--out" -> output = Path.of(value(args, ++i, arg));
				default -> throw new IllegalArgumentException("Unknown option '" + arg + "'\n" + USAGE);
			}
		}
		if (Arrays.asList(args).contains("--baseline-last")) {
			List<SystemKind> reordered = new ArrayList<>(systems);
			reordered.remove(SystemKind.BASELINE);
			reordered.add(SystemKind.BASELINE);
			systems = List.copyOf(reordered);
		}
		if (systems.contains(SystemKind.BOOT_PLAIN)) {
			throw new IllegalArgumentException("boot-plain is the startup reference, not a system to compare; "
					+ "it runs unless --no-startup-reference\n" + USAGE);
		}
		if (workloads.isEmpty()) {
			throw new IllegalArgumentException("--workloads needs at least one workload\n" + USAGE);
		}
		if (child && !breakdown && (system == null || threads.size() != 1)) {
			throw new IllegalArgumentException("A child needs --system and exactly one --threads value");
		}
		if (repetitions < 1 || measure <= 0 || slices < 1 || warmup < 0 || rewarm < 0 || prewarm < 0
				|| threads.stream().anyMatch((t) -> t < 1)) {
			throw new IllegalArgumentException("Repetitions, threads and windows must be positive\n" + USAGE);
		}
		if (!Workload.scatterAvailable() && workloads.contains(Workload.W5)) {
			throw new IllegalArgumentException("W5 needs dev.shardline.scatter.ShardTemplate, which is not here");
		}
		return new Options(child, system, systems, threads, workloads, repetitions, prewarm, warmup, measure, slices,
				rewarm, startupReference,
				idBase, output, smoke, jfr, breakdown,
				List.copyOf(childJvmArguments));
	}

	/** Length of one measured slice. */
	double sliceSeconds() {
		return this.measureSeconds / this.slices;
	}

	private static List<Workload> defaultWorkloads() {
		return Arrays.stream(Workload.values()).filter((w) -> !w.scatter() || Workload.scatterAvailable()).toList();
	}

	private static String value(String[] args, int i, String option) {
		if (i >= args.length) {
			throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
		}
		return args[i];
	}

	private static List<String> split(String list) {
		return Arrays.stream(list.split(",")).map(String::trim).filter((s) -> !s.isEmpty()).toList();
	}

}
