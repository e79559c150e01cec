package dev.shardline.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, thread-safe consistent-hash ring that maps a shard key (or its {@link ShardKeys#hash hash})
 * to a shard name. Shard {@code s} of weight {@code w} owns {@code w * virtualNodesPerWeight} points
 * {@code XXH64(UTF-8(s + "#" + i))}; points are ordered as unsigned 64-bit values (ties by shard name,
 * then {@code i}) and a hash belongs to the first point at or after it, wrapping round to the first point.
 * Look-ups take no locks and allocate nothing. The exact definition is in {@code tools/ring/HASH.md}.
 *
 * <p>Storage: the points are not kept. Each point, in ring order, is one packed entry: a few of its
 * bits right below the look-up bucket's top bits, and its id ({@code (shard, i)}, the shard as its
 * position in name order), from which its owner is read and, when those bits cannot decide, the exact
 * point is recomputed with one label hash. 28 bits per point at 1,024 shards instead of 80 (a long and
 * a char), plus the bucket index.
 */
public final class HashRing {

   /**
    * Virtual nodes per unit of weight unless configured: the smallest round number for which, with equal
    * weights and shards {@code shard-0..shard-(N-1)}, every N in 2..64 has its busiest shard within 5% of
    * the mean and adding a shard moves at most 1.1/(N+1) of the hash space (see HashRingBalanceTest).
    * 3000 fails both bounds; 4000 leaves busiest/mean at most 1.047 and moved at most 1.042/(N+1).
    * Costs about 3.9 bytes per point at 1,024 shards, measured (4.1M points in 15.2 MB; see the class comment).
    */
   public static final int DEFAULT_VIRTUAL_NODES = 4000;

   /** Upper bound on points (sum of weights times virtual nodes). */
   static final int MAX_POINTS = 1 << 24;

   /** Upper bound on shards. */
   static final int MAX_SHARDS = 1 << 16;

   /**
    * Bits of each point kept below the bucket's bits. A hash shares bucket and fragment with about an eighth
    * of a point on average up to 256 shards, half a point at 1,024; only then is a point recomputed (one
    * short hash, about 10 ns).
    */
   static final int FRAGMENT_BITS = 6;

   /** Upper bound on the bucket index: 2^17 ints (512 KB). */
   static final int MAX_BUCKET_BITS = 17;

   /**
    * Up to this many points (256 shards at the default weight and virtual nodes) the ring keeps each point
    * plain, as a long and its owner's index (12 bytes a point, 12 MB at the limit): the fastest look-up, a
    * scan of about eight longs. Larger rings are packed (below), trading look-up time for a third of the memory.
    */
   static final int PLAIN_LIMIT = 256 * DEFAULT_VIRTUAL_NODES;

   // entries are read as one unaligned little-endian long from the packed byte array
   private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

   private final String[] names;
   private final List<String> shardNames;
   private final Map<String, Integer> indexByName;
   private final int virtualNodesPerWeight;
   private final int pointCount;

   // ---- a point's identity: id = s << indexBits | i, s the shard's position in name order ----
   // UTF-8 of name + '#', by name order, to recompute a point
   private final byte[][] prefixes;
   // genToName[s] = index into names of the s-th shard in name order
   private final int[] genToName;
   private final int indexBits;

   // ---- the ring, plain (up to PLAIN_LIMIT points; else null) ----
   private final long[] plainPoints;
   private final int[] plainOwners;

   // ---- the ring, packed (above PLAIN_LIMIT points; else null) ----
   // entry j (ring order) at bit j * entryBits: fragment << genBits | id
   private final byte[] entries;
   private final int entryBits;
   private final long entryMask;
   private final int genBits;
   private final long genMask;
   private final int fragmentShift;
   // buckets[b] = first j whose point's top bits are >= b; buckets[2^bits] = n. Turns the search into a short scan.
   private final int[] buckets;
   private final int shift;
   private final int firstOwner;

   private final double[] shares;
   private final Map<String, Double> sharesByName;

   /**
    * A ring with {@link #DEFAULT_VIRTUAL_NODES} virtual nodes per unit of weight.
    *
    * @param weights shard name to weight (at least 1); its iteration order becomes {@link #shardNames()}
    */
   public HashRing(Map<String, Integer> weights) {
      this(weights, DEFAULT_VIRTUAL_NODES);
   }

   /**
    * A ring with the given number of virtual nodes per unit of weight.
    *
    * @param weights shard name to weight (at least 1); its iteration order becomes {@link #shardNames()}
    * @param virtualNodesPerWeight points per unit of weight, at least 1
    * @throws IllegalArgumentException on an empty map, a blank name, a weight below 1, or too many points
    */
   public HashRing(Map<String, Integer> weights, int virtualNodesPerWeight) {
      this(weights, virtualNodesPerWeight, PLAIN_LIMIT);
   }

   /** As above, keeping points plain up to {@code plainLimit} (tests compare both layouts on one ring). */
   HashRing(Map<String, Integer> weights, int virtualNodesPerWeight, int plainLimit) {
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
      pointCount = n;

      // name order, so that a stable sort by point of points generated in id order breaks ties by name, then i
      final Integer[] byName = new Integer[count];
      for (int i = 0; i < count; i++) {
         byName[i] = i;
      }
      Arrays.sort(byName, (a, b) -> names[a].compareTo(names[b]));
      prefixes = new byte[count][];
      genToName = new int[count];
      int maxPerShard = 1;
      for (int g = 0; g < count; g++) {
         final int named = byName[g];
         genToName[g] = named;
         prefixes[g] = (names[named] + '#').getBytes(StandardCharsets.UTF_8);
         maxPerShard = Math.max(maxPerShard, perShard[named]);
      }
      // an id's owner is one shift away; with equal weights the ids are as dense as a plain index (22 bits
      // for 1,024 shards of 4,000 points)
      indexBits = 32 - Integer.numberOfLeadingZeros(maxPerShard - 1);
      genBits = (32 - Integer.numberOfLeadingZeros(count - 1)) + indexBits;
      final int pointBits = 32 - Integer.numberOfLeadingZeros(n - 1);

      final long[] points = new long[n];
      final int[] gens = new int[n];
      generatePoints(points, gens, perShard, byName);
      sortUnsigned(points, gens);

      shares = exactShares(points, gens, count);
      final Map<String, Double> byNameShares = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
         byNameShares.put(names[i], shares[i]);
      }
      sharesByName = Collections.unmodifiableMap(byNameShares);

      // About 8 points per bucket, but at most 2^17 buckets: at 1,024 shards (4M points, 32 per bucket) the
      // index stays under one 1 MB G1 region, where 2^18 ints would take two; look-ups start where the
      // fragment says the hash falls within its bucket.
      // A plain ring affords about two points per bucket (at most 2 MB of index), a shorter scan.
      final int bits = (n <= plainLimit) ? Math.max(1, Math.min(pointBits - 1, 19))
            : Math.max(1, Math.min(pointBits - 3, MAX_BUCKET_BITS));
      shift = 64 - bits;
      fragmentShift = shift - FRAGMENT_BITS;
      buckets = new int[(1 << bits) + 1];
      int j = 0;
      for (int b = 0; b < 1 << bits; b++) {
         while (j < n && (points[j] >>> shift) < b) {
            j++;
         }
         buckets[b] = j;
      }
      buckets[1 << bits] = n;

      entryBits = genBits + FRAGMENT_BITS;
      genMask = (1L << genBits) - 1;
      entryMask = (1L << entryBits) - 1;
      firstOwner = ownerOfGen(gens[0]);
      if (n <= plainLimit) {
         plainPoints = points;
         plainOwners = new int[n];
         for (int k = 0; k < n; k++) {
            plainOwners[k] = ownerOfGen(gens[k]);
         }
         entries = null;
         return;
      }
      plainPoints = null;
      plainOwners = null;
      if (entryBits > 57) {
         throw new IllegalArgumentException("Shard weights too uneven for the ring's packed layout");
      }
      entries = new byte[(int) (((long) n * entryBits + 7) >>> 3) + Long.BYTES];
      final long fragmentMask = (1L << FRAGMENT_BITS) - 1;
      for (int k = 0; k < n; k++) {
         final long entry = ((points[k] >>> fragmentShift) & fragmentMask) << genBits | gens[k];
         final long bit = (long) k * entryBits;
         final int at = (int) (bit >>> 3);
         LONG_LE.set(entries, at, (long) LONG_LE.get(entries, at) | entry << (bit & 7));
      }
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
      final int bucket = (int) (hash >>> shift);
      final int start = buckets[bucket];
      final int end = buckets[bucket + 1];
      final long[] plain = plainPoints;
      if (plain != null) {
         // every point of a later bucket is >= hash: the first point >= hash is in this bucket, or it is the next one
         int j = start;
         while (j < end && Long.compareUnsigned(plain[j], hash) < 0) {
            j++;
         }
         return (j == pointCount) ? firstOwner : plainOwners[j];
      }
      final int fragment = (int) (hash >>> fragmentShift) & ((1 << FRAGMENT_BITS) - 1);
      // entries of a bucket ascend, and so do their fragments; every point of a later bucket is >= hash.
      // Points are uniform, so start where the fragment puts the hash, step back past entries whose
      // fragment is not below it, then scan forward.
      int j = start + (int) (((long) (end - start) * fragment) >>> FRAGMENT_BITS);
      while (j > start && (int) (entryAt(j - 1) >>> genBits) >= fragment) {
         j--;
      }
      for (; j < end; j++) {
         final long entry = entryAt(j);
         final int pointFragment = (int) (entry >>> genBits);
         if (pointFragment > fragment) {
            return ownerOfGen((int) (entry & genMask));
         }
         if (pointFragment == fragment) {
            // the stored bits cannot decide: compare with the exact point, recomputed
            final int g = (int) (entry & genMask);
            if (Long.compareUnsigned(pointOfGen(g), hash) >= 0) {
               return ownerOfGen(g);
            }
         }
      }
      return (j == pointCount) ? firstOwner : ownerOfGen((int) (entryAt(j) & genMask));
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
      return "HashRing[shards=" + names.length + ", virtualNodesPerWeight=" + virtualNodesPerWeight + ", points=" + pointCount + "]";
   }

   // ---- package-private views for tests and tooling ----

   int pointCount() {
      return pointCount;
   }

   /** The j-th point in ring order, as an unsigned 64-bit value (recomputed from its label). */
   long pointAt(int j) {
      if (plainPoints != null) {
         return plainPoints[j];
      }
      return pointOfGen(genAt(j));
   }

   /** Shard index owning the j-th point. */
   int ownerAt(int j) {
      if (plainOwners != null) {
         return plainOwners[j];
      }
      return ownerOfGen(genAt(j));
   }

   /** Whether the points are kept plain (see {@link #PLAIN_LIMIT}). */
   boolean isPlain() {
      return plainPoints != null;
   }

   /** Bytes held by the look-up arrays (excluding object headers and the names). */
   long footprintBytes() {
      long prefixBytes = 0;
      for (byte[] prefix : prefixes) {
         prefixBytes += prefix.length;
      }
      long ring = (plainPoints != null) ? 12L * plainPoints.length : entries.length;
      return ring + 4L * buckets.length + 4L * genToName.length + prefixBytes;
   }

   int bucketCount() {
      return buckets.length - 1;
   }

   // ---- decoding ----

   private long entryAt(int j) {
      // j * entryBits < 2^24 * 57 fits an int
      final int bit = j * entryBits;
      return ((long) LONG_LE.get(entries, bit >>> 3) >>> (bit & 7)) & entryMask;
   }

   private int genAt(int j) {
      if (j < 0 || j >= pointCount) {
         throw new IndexOutOfBoundsException("point " + j + " of " + pointCount);
      }
      return (int) (entryAt(j) & genMask);
   }

   private int ownerOfGen(int id) {
      return genToName[id >>> indexBits];
   }

   /** The point of an id: XXH64(name + "#" + i). */
   private long pointOfGen(int id) {
      return XxHash64.hashLabel(prefixes[id >>> indexBits], id & ((1 << indexBits) - 1));
   }

   // ---- construction ----

   /** Writes every shard's points with their ids, shards in name order and i ascending (so ids ascend). */
   private void generatePoints(long[] points, int[] gens, int[] perShard, Integer[] byName) {
      for (int s = 0, j = 0; s < prefixes.length; s++) {
         final byte[] prefix = prefixes[s];
         final byte[] label = Arrays.copyOf(prefix, prefix.length + 10);
         for (int i = 0, end = perShard[byName[s]]; i < end; i++, j++) {
            final int length = prefix.length + writeDecimal(i, label, prefix.length);
            points[j] = XxHash64.hash(label, 0, length, 0L);
            gens[j] = s << indexBits | i;
         }
      }
   }

   /** Writes the decimal digits of {@code value >= 0} at {@code at}; returns how many. */
   private static int writeDecimal(int value, byte[] into, int at) {
      final int digits = XxHash64.decimalDigits(value);
      for (int p = at + digits - 1, v = value; p >= at; p--, v /= 10) {
         into[p] = (byte) ('0' + v % 10);
      }
      return digits;
   }

   /** Stable LSD radix sort of points (as unsigned values, 16 bits per pass) carrying their generation indexes along. */
   private static void sortUnsigned(long[] points, int[] gens) {
      final int n = points.length;
      long[] srcP = points;
      int[] srcG = gens;
      long[] dstP = new long[n];
      int[] dstG = new int[n];
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
            dstG[at] = srcG[j];
         }
         final long[] tp = srcP;
         srcP = dstP;
         dstP = tp;
         final int[] tg = srcG;
         srcG = dstG;
         dstG = tg;
      }
      // an even number of passes leaves the result back in the caller's arrays
   }

   /** Each shard's exact arc total (a point owns (previous point, point]) as a fraction of 2^64. */
   private double[] exactShares(long[] points, int[] gens, int count) {
      final int n = points.length;
      final long[] lo = new long[count];
      final long[] hi = new long[count];
      if (points[0] == points[n - 1]) {
         hi[ownerOfGen(gens[0])] = 1; // a single distinct point value owns the whole ring
      }
      else {
         for (int j = 0; j < n; j++) {
            final long arc = points[j] - points[j == 0 ? n - 1 : j - 1]; // unsigned difference mod 2^64
            final int s = ownerOfGen(gens[j]);
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
