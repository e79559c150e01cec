package dev.shardline.benchmarks;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shardline.ring.ShardKeys;
import dev.shardline.ring.XxHash64;

/**
 * The ring as it was stored before the fleet-scale change (issue 13), kept as the baseline of
 * {@link RingBenchmark} and {@link RingFootprint}: the same points and look-ups as
 * {@link dev.shardline.ring.HashRing}, each point a {@code long} with a {@code char} owner, and a
 * bucket index of up to 2^20 ints (about 11 bytes per point).
 */
final class LongArrayRing {

   /**
    * Virtual nodes per unit of weight unless configured: the smallest round number for which, with equal
    * weights and shards {@code shard-0..shard-(N-1)}, every N in 2..64 has its busiest shard within 5% of
    * the mean and adding a shard moves at most 1.1/(N+1) of the hash space (see HashRingBalanceTest).
    * 3000 fails both bounds; 4000 leaves busiest/mean at most 1.047 and moved at most 1.042/(N+1).
    * Costs 11-12 bytes per point: 256,000 points in 3.1 MB at 64 shards, 4.1M points in 45 MB at 1024.
    */
   public static final int DEFAULT_VIRTUAL_NODES = 4000;

   /** Upper bound on points (sum of weights times virtual nodes): about 170 MB of look-up arrays. */
   static final int MAX_POINTS = 1 << 24;

   /** Owners are stored as chars to save memory: a 1024-shard ring has 4M points. */
   static final int MAX_SHARDS = 1 << 16;

   private final String[] names;
   private final List<String> shardNames;
   private final Map<String, Integer> indexByName;
   private final int virtualNodesPerWeight;

   // Points XOR Long.MIN_VALUE, so that plain signed comparison is unsigned comparison of the points.
   private final long[] keys;
   // owners[j] is the shard index of keys[j]; owners[n] = owners[0] is the wrap-around sentinel.
   private final char[] owners;
   // buckets[b] = first j whose point's top bits are >= b; buckets[2^bits] = n. Turns the search into a short scan.
   private final int[] buckets;
   private final int shift;
   private final double[] shares;
   private final Map<String, Double> sharesByName;

   /**
    * A ring with {@link #DEFAULT_VIRTUAL_NODES} virtual nodes per unit of weight.
    *
    * @param weights shard name to weight (at least 1); its iteration order becomes {@link #shardNames()}
    */
   LongArrayRing(Map<String, Integer> weights) {
      this(weights, 4000);
   }

   /**
    * A ring with the given number of virtual nodes per unit of weight.
    *
    * @param weights shard name to weight (at least 1); its iteration order becomes {@link #shardNames()}
    * @param virtualNodesPerWeight points per unit of weight, at least 1
    * @throws IllegalArgumentException on an empty map, a blank name, a weight below 1, or too many points
    */
   LongArrayRing(Map<String, Integer> weights, int virtualNodesPerWeight) {
      if (weights == null || weights.isEmpty()) {
         throw new IllegalArgumentException("A hash ring needs at least one shard");
      }
      if (virtualNodesPerWeight < 1) {
         throw new IllegalArgumentException("virtualNodesPerWeight must be at least 1, was " + virtualNodesPerWeight);
      }
      final int count = weights.size();
      if (count > MAX_SHARDS) {
         throw new IllegalArgumentException("A hash ring supports at most " + MAX_SHARDS + " shards, got " + count);
      }
      names = new String[count];
      final int[] perShard = new int[count];
      long total = 0;
      int s = 0;
      for (Map.Entry<String, Integer> e : weights.entrySet()) {
         final String name = e.getKey();
         final Integer weight = e.getValue();
         if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Shard names must not be blank, was '" + name + "'");
         }
         if (weight == null || weight < 1) {
            throw new IllegalArgumentException("Weight of shard '" + name + "' must be at least 1, was " + weight);
         }
         total += (long) weight * virtualNodesPerWeight;
         if (total > MAX_POINTS) {
            throw new IllegalArgumentException("Weights times virtualNodesPerWeight exceed " + MAX_POINTS + " points");
         }
         names[s] = name;
         perShard[s++] = weight * virtualNodesPerWeight;
      }
      this.virtualNodesPerWeight = virtualNodesPerWeight;
      shardNames = List.of(names);
      final Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < count; i++) {
         index.put(names[i], i);
      }
      indexByName = index;

      final int n = (int) total;
      final long[] points = new long[n];
      final char[] owner = new char[n + 1];
      generatePoints(points, owner, perShard);
      sortUnsigned(points, owner);

      owner[n] = owner[0];
      owners = owner;

      // One or two points per bucket (up to 2^20 buckets, 4 MB) keeps the scan to a comparison or two.
      final int bits = Math.max(4, Math.min(20, 64 - Long.numberOfLeadingZeros(n) - 1));
      shift = 64 - bits;
      buckets = new int[(1 << bits) + 1];
      int j = 0;
      for (int b = 0; b < 1 << bits; b++) {
         while (j < n && (int) (points[j] >>> shift) < b) {
            j++;
         }
         buckets[b] = j;
      }
      buckets[1 << bits] = n;

      shares = exactShares(points, owner, count);
      final Map<String, Double> byName = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
         byName.put(names[i], shares[i]);
      }
      sharesByName = Collections.unmodifiableMap(byName);
      // flipped in place rather than copied: at 1024 shards a second array would be another 33 MB while building
      for (int k = 0; k < n; k++) {
         points[k] ^= Long.MIN_VALUE;
      }
      keys = points;
   }

   /** The shard that owns {@code key}; see {@link ShardKeys} for the supported key types. Allocation-free for the common ones. */
   public String shardFor(Object key) {
      return names[indexForHash(ShardKeys.hash(key))];
   }

   /** The shard that owns the given key hash. Allocation-free. */
   public String shardForHash(long hash) {
      return names[indexForHash(hash)];
   }

   /** Index into {@link #shardNames()} of the shard that owns the given key hash. Allocation-free. */
   public int indexForHash(long hash) {
      final long[] keys = this.keys;
      final int bucket = (int) (hash >>> shift);
      int j = buckets[bucket];
      final int end = buckets[bucket + 1];
      final long key = hash ^ Long.MIN_VALUE;
      // every point of a later bucket is >= hash, so when this bucket runs out the answer is index 'end'
      // (the sentinel owners[n] covers the wrap-around)
      while (j < end && keys[j] < key) {
         j++;
      }
      return owners[j];
   }

   /** Shard names in the order of the map the ring was built from. */
   public List<String> shardNames() {
      return shardNames;
   }

   /** Points per unit of weight. */
   public int virtualNodesPerWeight() {
      return virtualNodesPerWeight;
   }

   /**
    * The exact fraction of the 2^64 hash space that the shard owns (sum of its arcs, rounded once to double).
    *
    * @throws IllegalArgumentException if the ring has no such shard
    */
   public double share(String shard) {
      final Integer i = indexByName.get(shard);
      if (i == null) {
         throw new IllegalArgumentException("Unknown shard '" + shard + "'; shards are " + shardNames);
      }
      return shares[i];
   }

   /** {@link #share(String)} of every shard, in {@link #shardNames()} order. */
   public Map<String, Double> shares() {
      return sharesByName;
   }

   @Override
   public String toString() {
      return "LongArrayRing[shards=" + names.length + ", virtualNodesPerWeight=" + virtualNodesPerWeight + ", points=" + keys.length + "]";
   }

   // ---- package-private views for tests and tooling ----

   int pointCount() {
      return keys.length;
   }

   /** The j-th point in ring order, as an unsigned 64-bit value. */
   long pointAt(int j) {
      return keys[j] ^ Long.MIN_VALUE;
   }

   /** Shard index owning the j-th point. */
   int ownerAt(int j) {
      return owners[j];
   }

   /** Bytes held by the look-up arrays (excluding object headers and the names). */
   long footprintBytes() {
      return 8L * keys.length + 2L * owners.length + 4L * buckets.length;
   }

   int bucketCount() {
      return buckets.length - 1;
   }

   // ---- construction ----

   /**
    * Writes every shard's points, shards in name order and i ascending, so that a stable sort by point alone
    * yields the ring order with ties broken by name and then i. Hashes labels from one reused buffer.
    */
   private void generatePoints(long[] points, char[] owner, int[] perShard) {
      final Integer[] byName = new Integer[names.length];
      for (int i = 0; i < byName.length; i++) {
         byName[i] = i;
      }
      Arrays.sort(byName, (a, b) -> names[a].compareTo(names[b]));
      int j = 0;
      for (int s : byName) {
         final byte[] prefix = (names[s] + '#').getBytes(StandardCharsets.UTF_8);
         final byte[] label = Arrays.copyOf(prefix, prefix.length + 10);
         for (int i = 0; i < perShard[s]; i++) {
            final int length = prefix.length + writeDecimal(i, label, prefix.length);
            points[j] = XxHash64.hash(label, 0, length, 0L);
            owner[j++] = (char) s;
         }
      }
   }

   /** Writes the decimal digits of {@code value >= 0} at {@code at}; returns how many. */
   private static int writeDecimal(int value, byte[] into, int at) {
      int digits = 1;
      for (int v = value; v >= 10; v /= 10) {
         digits++;
      }
      for (int p = at + digits - 1, v = value; p >= at; p--, v /= 10) {
         into[p] = (byte) ('0' + v % 10);
      }
      return digits;
   }

   /** Stable LSD radix sort of points (as unsigned values, 16 bits per pass) carrying their owners along. */
   private static void sortUnsigned(long[] points, char[] owner) {
      final int n = points.length;
      long[] srcP = points;
      char[] srcO = owner;
      long[] dstP = new long[n];
      char[] dstO = new char[n + 1];
      final int[] count = new int[1 << 16];
      for (int pass = 0; pass < 4; pass++) {
         final int shift = pass * 16;
         Arrays.fill(count, 0);
         for (int j = 0; j < n; j++) {
            count[(int) (srcP[j] >>> shift) & 0xFFFF]++;
         }
         for (int d = 0, sum = 0; d < count.length; d++) {
            final int c = count[d];
            count[d] = sum;
            sum += c;
         }
         for (int j = 0; j < n; j++) {
            final int at = count[(int) (srcP[j] >>> shift) & 0xFFFF]++;
            dstP[at] = srcP[j];
            dstO[at] = srcO[j];
         }
         final long[] tp = srcP;
         srcP = dstP;
         dstP = tp;
         final char[] to = srcO;
         srcO = dstO;
         dstO = to;
      }
      // an even number of passes leaves the result back in the caller's arrays
   }

   /** Each shard's exact arc total (a point owns (previous point, point]) as a fraction of 2^64. */
   private static double[] exactShares(long[] points, char[] owner, int count) {
      final int n = points.length;
      final long[] lo = new long[count];
      final long[] hi = new long[count];
      if (points[0] == points[n - 1]) {
         hi[owner[0]] = 1; // a single distinct point value owns the whole ring
      }
      else {
         for (int j = 0; j < n; j++) {
            final long arc = points[j] - points[j == 0 ? n - 1 : j - 1]; // unsigned difference mod 2^64
            final int s = owner[j];
            final long sum = lo[s] + arc;
            if (Long.compareUnsigned(sum, lo[s]) < 0) {
               hi[s]++;
            }
            lo[s] = sum;
         }
      }
      final double[] shares = new double[count];
      for (int s = 0; s < count; s++) {
         final BigInteger exact = BigInteger.valueOf(hi[s]).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo[s])));
         shares[s] = Math.scalb(exact.doubleValue(), -64); // BigInteger.doubleValue rounds correctly; scalb is exact
      }
      return shares;
   }
}
