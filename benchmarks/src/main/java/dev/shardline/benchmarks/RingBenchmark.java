package dev.shardline.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import dev.shardline.ring.HashRing;
import dev.shardline.ring.ShardKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ring look-up cost by shard count, at the default virtual nodes: a Long key (hash + look-up)
 * and a precomputed hash (look-up alone), on {@link HashRing} and, as the baseline in the same
 * run, on the ring as it was stored before issue 13 ({@link LongArrayRing}: the same points as
 * longs). Keys cycle through a large random set so the look-up is not served from one cache line.
 * The plain variants measure independent look-ups, which the processor overlaps as it would
 * look-ups of unrelated requests; the {@code Chained} ones one look-up's latency.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBenchmark {

	@Param({ "2", "64", "1024" })
	public int shards;

	private HashRing ring;

	private LongArrayRing baseline;

	private Long[] keys;

	private long[] hashes;

	private int next;

	private int last;

	@Setup(Level.Trial)
	public void setUp() {
		Map<String, Integer> weights = new LinkedHashMap<>();
		for (int i = 0; i < this.shards; i++) {
			weights.put("shard-" + i, 1);
		}
		this.ring = new HashRing(weights);
		this.baseline = new LongArrayRing(weights);
		SplittableRandom random = new SplittableRandom(42);
		this.keys = new Long[1 << 16];
		this.hashes = new long[1 << 16];
		for (int i = 0; i < this.keys.length; i++) {
			this.keys[i] = random.nextLong();
			this.hashes[i] = random.nextLong();
		}
	}

	@Benchmark
	public String longKey() {
		int i = this.next++ & (this.keys.length - 1);
		return this.ring.shardFor(this.keys[i]);
	}

	@Benchmark
	public int hashOnly() {
		int i = this.next++ & (this.hashes.length - 1);
		return this.ring.indexForHash(this.hashes[i]);
	}

	/**
	 * One look-up's latency rather than the throughput of independent ones: the next key's index
	 * depends on this answer, so look-ups cannot overlap their cache misses.
	 */
	@Benchmark
	public int longKeyChained() {
		int i = (this.next++ + this.last) & (this.keys.length - 1);
		return this.last = this.ring.indexForHash(ShardKeys.hash(this.keys[i]));
	}

	@Benchmark
	public String baselineLongKey() {
		int i = this.next++ & (this.keys.length - 1);
		return this.baseline.shardFor(this.keys[i]);
	}

	@Benchmark
	public int baselineLongKeyChained() {
		int i = (this.next++ + this.last) & (this.keys.length - 1);
		return this.last = this.baseline.indexForHash(ShardKeys.hash(this.keys[i]));
	}

	@Benchmark
	public int baselineHashOnly() {
		int i = this.next++ & (this.hashes.length - 1);
		return this.baseline.indexForHash(this.hashes[i]);
	}

}
