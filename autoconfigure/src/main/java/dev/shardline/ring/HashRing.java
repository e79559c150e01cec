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
 * <p>Storage: up to {@link #PLAIN_LIMIT} points, each point is kept as a long with its owner's index.
 * Larger rings do not keep the points. Each point, in ring order, has a one-byte fragment (the 8 bits
 * right below its look-up bucket's top bits) and a packed id ({@code (shard, i)}, the shard as its position
 * in name order; 22 bits at 1,024 shards), from which its owner is read and, when the fragment cannot
 * decide, the exact point is recomputed with one label hash. 30 bits per point at 1,024 shards instead of
 * 80 (a long and a char), plus a two-level bucket index of 2^18 buckets in 384 KB (an int per 8 buckets,
 * a byte per bucket).
 */
public final class HashRing {

   /**
    * Virtual nodes per unit of weight unless configured: the smallest round number for which, with equal
    * weights and shards {@code shard-0..shard-(N-1)}, every N in 2..64 has its busiest shard within 5% of
    * the mean and adding a shard moves at most 1.1/(N+1) of the hash space (see HashRingBalanceTest).
    * 3000 fails both bounds; 4000 leaves busiest/mean at most 1.047 and moved at most 1.042/(N+1).
    * Costs about 4 bytes per point at 1,024 shards, measured (4.1M points in 15.6 MB; see the class comment).
    */
   public static final int DEFAULT_VIRTUAL_NODES = 4000;

   /** Upper bound on points (sum of weights times virtual nodes). */
   static final int MAX_POINTS = 1 << 24;

   /** Upper bound on shards. */
   static final int MAX_SHARDS = 1 << 16;

   /**
    * Bits of each packed point kept below the bucket's bits. A hash shares bucket and fragment with a sixteenth
    * of a point or less on average up to 2^22 points (1,024 shards at the defaults), a quarter at most above;
    * only then is a point recomputed (one short hash, about 10 ns).
    */
   static final int FRAGMENT_BITS = 8;

   /** Upper bound on the packed ring's buckets: 2^18 (an int per 8 buckets and a byte per bucket, 384 KB). */
   static final int MAX_BUCKET_BITS = 18;

   /**
    * Up to this many points (256 shards at the default weight and virtual nodes) the ring keeps each point
    * plain, as a long and its owner's index (12 bytes a point, 12 MB at the limit): the fastest look-up, a
    * scan of about eight longs. Larger rings are packed (below), trading look-up time for a third of the memory.
    */
   static final int PLAIN_LIMIT = 256 * DEFAULT_VIRTUAL_NODES;

   // ids are read as one unaligned little-endian long from the packed byte array
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
   // point j (ring order): its fragment, fragments[j], and its id at bit j * genBits of ids
   private final byte[] fragments;
   private final byte[] ids;
   private final int genBits;
   private final long genMask;
   private final int fragmentShift;
   // the first j of bucket b is groupStarts[b >>> groupBits] + (offsets[b] & 0xFF); bucket 2^bits starts at n.
   // Two small arrays (384 KB at 1,024 shards) that stay in the L2 cache, where an int per bucket would not.
   private final int[] groupStarts;
   private final byte[] offsets;
   private final int groupBits;

   // ---- both layouts ----
   // plain: buckets[b] = first j whose point's top bits are >= b; buckets[2^bits] = n (null when packed)
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
      this(weights, virtualNodesPerWeight, plainLimit, 3);
   }

   /** As above, with packed index groups of at most 2^maxGroupBits buckets (tests force the smaller groups). */
   HashRing(Map<String, Integer> weights, int virtualNodesPerWeight, int plainLimit, int maxGroupBits) {
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

      genMask = (1L << genBits) - 1;
      firstOwner = ownerOfGen(gens[0]);
      if (n <= plainLimit) {
         // about two points per bucket (at most 2^19 buckets, 2 MB of index): a scan of a long or two
         final int bits = Math.max(1, Math.min(pointBits - 1, 19));
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
         plainPoints = points;
         plainOwners = new int[n];
         for (int k = 0; k < n; k++) {
            plainOwners[k] = ownerOfGen(gens[k]);
         }
         fragments = null;
         ids = null;
         groupStarts = null;
         offsets = null;
         groupBits = 0;
         return;
      }
      plainPoints = null;
      plainOwners = null;
      buckets = null;
      // 8 to 16 points per bucket, at most 2^18 buckets (15.6 points each at 1,024 shards): a bucket's
      // fragments and ids each span one or two cache lines, and with the fragment a hash is resolved to
      // 1/2^26 of the ring (a point is recomputed for about one look-up in sixteen at 1,024 shards).
      final int bits = Math.max(1, Math.min(pointBits - 4, MAX_BUCKET_BITS));
      shift = 64 - bits;
      fragmentShift = shift - FRAGMENT_BITS;
      final int bucketCount = 1 << bits;
      final int[] starts = new int[bucketCount + 1];
      for (int b = 0, j = 0; b < bucketCount; b++) {
         starts[b] = j;
         while (j < n && (points[j] >>> shift) == b) {
            j++;
         }
      }
      starts[bucketCount] = n;
      // groups of 8 buckets (about 125 points at 1,024 shards, so an offset fits a byte by a wide margin);
      // smaller groups, down to one bucket (offset 0), if some group's offsets would not fit
      int gb = Math.min(maxGroupBits, bits);
      while (gb > 0 && !offsetsFit(starts, bucketCount, gb)) {
         gb--;
      }
      groupBits = gb;
      groupStarts = new int[(bucketCount >>> gb) + 1];
      offsets = new byte[bucketCount + 1];
      for (int b = 0; b < bucketCount; b++) {
         if ((b & ((1 << gb) - 1)) == 0) {
            groupStarts[b >>> gb] = starts[b];
         }
         offsets[b] = (byte) (starts[b] - starts[b & -(1 << gb)]);
      }
      groupStarts[bucketCount >>> gb] = n;
      fragments = new byte[n];
      ids = new byte[(int) (((long) n * genBits + 7) >>> 3) + Long.BYTES];
      for (int k = 0; k < n; k++) {
         fragments[k] = (byte) (points[k] >>> fragmentShift);
         final long bit = (long) k * genBits;
         final int at = (int) (bit >>> 3);
         LONG_LE.set(ids, at, (long) LONG_LE.get(ids, at) | (long) gens[k] << (bit & 7));
      }
   }

   /** Whether every bucket's start fits a byte above its group's start, with groups of 2^groupBits buckets. */
   private static boolean offsetsFit(int[] starts, int bucketCount, int groupBits) {
      for (int b = 0; b < bucketCount; b++) {
         if (starts[b] - starts[b & -(1 << groupBits)] > 0xFF) {
            return false;
         }
      }
      return true;
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
      final long[] plain = plainPoints;
      if (plain != null) {
         // every point of a later bucket is >= hash: the first point >= hash is in this bucket, or it is the next one
         int j = buckets[bucket];
         final int end = buckets[bucket + 1];
         while (j < end && Long.compareUnsigned(plain[j], hash) < 0) {
            j++;
         }
         return (j == pointCount) ? firstOwner : plainOwners[j];
      }
      final int start = groupStarts[bucket >>> groupBits] + (offsets[bucket] & 0xFF);
      final int end = groupStarts[(bucket + 1) >>> groupBits] + (offsets[bucket + 1] & 0xFF);
      final int fragment = (int) (hash >>> fragmentShift) & ((1 << FRAGMENT_BITS) - 1);
      final byte[] fragments = this.fragments;
      // The bucket's ids lie between those of its first point and of the point after it (about 44 bytes at
      // 1,024 shards, so nearly always in those two points' cache lines): reading both now loads them while
      // the fragments load, rather than after the fragments have been searched (a second cache miss in a
      // row). The point after the bucket is also the answer when the hash is past the bucket's last point.
      final int firstId = genAt(start);
      final int nextId = genAt((end == pointCount) ? 0 : end);
      // The bucket's fragments ascend: the first point whose fragment is not below the hash's is the bucket's
      // start plus the number of points below, counted without a branch per point (no address depends on
      // a fragment, so the bucket's one or two cache lines of fragments load in parallel).
      int below = 0;
      for (int k = start; k < end; k++) {
         below += ((fragments[k] & 0xFF) - fragment) >>> 31;
      }
      final int j = start + below;
      if (j < end && (fragments[j] & 0xFF) == fragment) {
         return ownerOnTie(hash, j, end, fragment);
      }
      return ownerOfGen((j == end) ? nextId : (j == start) ? firstId : genAt(j));
   }

   /** The owner when point j's fragment equals the hash's: recompute points until one is >= hash. */
   private int ownerOnTie(long hash, int j, int end, int fragment) {
      for (; j < end && (fragments[j] & 0xFF) == fragment; j++) {
         final int g = genAt(j);
         if (Long.compareUnsigned(pointOfGen(g), hash) >= 0) {
            return ownerOfGen(g);
         }
      }
      return ownerOfGen(genAt((j == pointCount) ? 0 : j));
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
      checkPoint(j);
      return pointOfGen(genAt(j));
   }

   /** Shard index owning the j-th point. */
   int ownerAt(int j) {
      if (plainOwners != null) {
         return plainOwners[j];
      }
      checkPoint(j);
      return ownerOfGen(genAt(j));
   }

   private void checkPoint(int j) {
      if (j < 0 || j >= pointCount) {
         throw new IndexOutOfBoundsException("point " + j + " of " + pointCount);
      }
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
      final long ring = (plainPoints != null) ? 12L * plainPoints.length + 4L * buckets.length
            : fragments.length + ids.length + 4L * groupStarts.length + offsets.length;
      return ring + 4L * genToName.length + prefixBytes;
   }

   /** Buckets per group of the packed index, as a power of two. */
   int groupBits() {
      return groupBits;
   }

   int bucketCount() {
      return (buckets != null) ? buckets.length - 1 : offsets.length - 1;
   }

   // ---- decoding ----

   private int genAt(int j) {
      // j * genBits < 2^24 * 57 fits an int
      final int bit = j * genBits;
      return (int) (((long) LONG_LE.get(ids, bit >>> 3) >>> (bit & 7)) & genMask);
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
