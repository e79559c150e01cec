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
 * <p>Storage: the ring does not keep the points (a long each). Each point, in ring order, has a one-byte
 * fragment (the 8 bits right below its look-up bucket's top bits), its owner's index (10 bits at 1,024
 * shards) and its {@code i} (12 bits at 4,000 points a shard), in three arrays: a look-up reads the first
 * two, and the third only when the fragment cannot decide and the exact point is recomputed with one label
 * hash. 30 bits a point at 1,024 shards instead of 80 (a long and a char), plus a two-level index of at most
 * 2^18 buckets of 8 to 16 points on average (more above 2^22 points; 384 KB at 2^18: an int per 8 buckets, a
 * byte per bucket). A look-up reads one bucket and compares its fragments eight at a time.
 */
public final class HashRing {

   /**
    * Virtual nodes per unit of weight unless configured: the smallest round number for which, with equal
    * weights and shards {@code shard-0..shard-(N-1)}, every N in 2..64 has its busiest shard within 5% of
    * the mean and adding a shard moves at most 1.1/(N+1) of the hash space (see HashRingBalanceTest).
    * 3000 fails both bounds; 4000 leaves busiest/mean at most 1.047 and moved at most 1.042/(N+1).
    * Costs about 4 bytes per point at 1,024 shards (4.1M points in under 16 MB; see the class comment and
    * HashRingBalanceTest).
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

   /** Upper bound on the ring's buckets: 2^18 (an int per 8 buckets and a byte per bucket, 384 KB). */
   static final int MAX_BUCKET_BITS = 18;

   /** Fragments a look-up compares without a loop: three longs. */
   private static final int SCANNED_FRAGMENTS = 3 * Long.BYTES;

   private static final long ONES = 0x0101010101010101L;

   private static final long HIGH = 0x8080808080808080L;

   private static final long LOW7 = ~HIGH;

   // FIRST_BYTES[v]: the high bit of each of a long's first v bytes (little-endian: its v lowest bytes)
   private static final long[] FIRST_BYTES = new long[Long.BYTES + 1];

   static {
      for (int v = 0; v < Long.BYTES; v++) {
         FIRST_BYTES[v] = HIGH & ((1L << (8 * v)) - 1);
      }
      FIRST_BYTES[Long.BYTES] = HIGH;
   }

   // packed entries and eight fragments at a time are read as one unaligned little-endian long
   private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

   private final String[] names;
   private final List<String> shardNames;
   private final Map<String, Integer> indexByName;
   private final int virtualNodesPerWeight;
   private final int pointCount;

   // ---- a point's identity: its owner (index into names) and i ----
   // UTF-8 of name + '#', by index into names, to recompute a point
   private final byte[][] prefixes;
   private final int indexBits;

   // ---- the ring ----
   // point j (ring order): its fragment fragments[j]; its owner (index into names) at bit j * ownerBits of
   // owners; its i at bit j * indexBits of indexes. Owners apart from the i's: a look-up's cache lines hold
   // only what it reads (fragments and owners, 18 bits a point at 1,024 shards, 9 MB instead of 15).
   private final byte[] fragments;
   private final byte[] owners;
   private final int ownerBits;
   private final long ownerMask;
   private final byte[] indexes;
   private final long indexMask;
   private final int fragmentShift;
   // the first j of bucket b is groupStarts[b >>> groupBits] + (offsets[b] & 0xFF); bucket 2^bits starts at n.
   // Two small arrays (384 KB at 1,024 shards) that mostly stay in the caches, where an int per bucket (1 MB) would not.
   private final int[] groupStarts;
   private final byte[] offsets;
   private final int groupBits;

   // a hash's bucket is its top bits: hash >>> shift
   private final int shift;

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
      this(weights, virtualNodesPerWeight, 3);
   }

   /** As above, with index groups of at most 2^maxGroupBits buckets (tests force the smaller groups). */
   HashRing(Map<String, Integer> weights, int virtualNodesPerWeight, int maxGroupBits) {
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

      // name order, so that a stable sort by point of points generated in name order, i ascending, breaks
      // ties by name, then i
      final Integer[] byName = new Integer[count];
      for (int i = 0; i < count; i++) {
         byName[i] = i;
      }
      Arrays.sort(byName, (a, b) -> names[a].compareTo(names[b]));
      prefixes = new byte[count][];
      int maxPerShard = 1;
      for (int i = 0; i < count; i++) {
         prefixes[i] = (names[i] + '#').getBytes(StandardCharsets.UTF_8);
         maxPerShard = Math.max(maxPerShard, perShard[i]);
      }
      indexBits = 32 - Integer.numberOfLeadingZeros(maxPerShard - 1); // 12 bits for 4,000 points a shard
      final int pointBits = 32 - Integer.numberOfLeadingZeros(n - 1);

      // points[g] and owners[g] in generation order; the sort carries g, from which i = g - firstOfShard
      final long[] points = new long[n];
      final int[] pointOwners = new int[n];
      final int[] firstOfShard = new int[count];
      final int[] order = generatePoints(points, pointOwners, firstOfShard, perShard, byName);
      sortUnsigned(points, order);
      final int[] pointIndexes = new int[n];
      for (int k = 0; k < n; k++) {
         final int g = order[k];
         final int owner = pointOwners[g];
         pointIndexes[k] = g - firstOfShard[owner];
         order[k] = owner; // order[k] is no longer needed once read: it becomes point k's owner
      }
      final int[] ringOwners = order;

      shares = exactShares(points, ringOwners, count);
      final Map<String, Double> byNameShares = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
         byNameShares.put(names[i], shares[i]);
      }
      sharesByName = Collections.unmodifiableMap(byNameShares);

      ownerBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(count - 1));
      ownerMask = (1L << ownerBits) - 1;
      indexMask = (1L << indexBits) - 1;
      // 8 to 16 points per bucket, at most 2^18 buckets (15.6 points each at 1,024 shards): a bucket's
      // fragments and owners each span one or two cache lines, and with the fragment a hash is resolved to
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
      // padded so that a look-up can always read SCANNED_FRAGMENTS fragments from a bucket's start
      fragments = new byte[n + SCANNED_FRAGMENTS];
      owners = new byte[(int) (((long) n * ownerBits + 7) >>> 3) + Long.BYTES];
      indexes = new byte[(int) (((long) n * indexBits + 7) >>> 3) + Long.BYTES];
      for (int k = 0; k < n; k++) {
         fragments[k] = (byte) (points[k] >>> fragmentShift);
         putBits(owners, k, ownerBits, ringOwners[k]);
         putBits(indexes, k, indexBits, pointIndexes[k]);
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
      final int start = groupStarts[bucket >>> groupBits] + (offsets[bucket] & 0xFF);
      final int end = groupStarts[(bucket + 1) >>> groupBits] + (offsets[bucket + 1] & 0xFF);
      final int fragment = (int) (hash >>> fragmentShift) & ((1 << FRAGMENT_BITS) - 1);
      // The bucket's owners lie between its first point's and the next point's (about 20 bytes at 1,024
      // shards, so nearly always in those two points' cache lines): reading both now loads them while the
      // fragments load, rather than after the fragments have been searched (a second cache miss in a row).
      // The point after the bucket is also the answer when the hash is past the bucket's last point.
      final int startOwner = storedOwner(start);
      final int nextOwner = storedOwner((end == pointCount) ? 0 : end);
      // The bucket's fragments ascend: the first point whose fragment is not below the hash's is the bucket's
      // start plus the number of points below. They are counted eight at a time (a byte-wise compare in a
      // long, then a popcount), three longs whatever the bucket's length, masked to it, so that a look-up
      // runs no loop and no branch per point; fewer instructions let the processor overlap the cache misses of
      // consecutive look-ups. The points of a bucket longer than 24 (one bucket in sixty, one look-up in
      // thirty-five at 1,024 shards) are counted one by one past the 24th.
      final int length = end - start;
      final long hashFragments = fragment * ONES;
      final long hashLow7 = hashFragments & LOW7;
      int below = Long.bitCount(bytesBelow(fragmentsAt(start), hashLow7, hashFragments) & FIRST_BYTES[Math.min(length, 8)])
            + Long.bitCount(bytesBelow(fragmentsAt(start + 8), hashLow7, hashFragments) & FIRST_BYTES[Math.max(0, Math.min(length - 8, 8))])
            + Long.bitCount(bytesBelow(fragmentsAt(start + 16), hashLow7, hashFragments) & FIRST_BYTES[Math.max(0, Math.min(length - 16, 8))]);
      for (int k = start + SCANNED_FRAGMENTS; k < end; k++) {
         below += ((fragments[k] & 0xFF) - fragment) >>> 31;
      }
      final int j = start + below;
      if (j < end && (fragments[j] & 0xFF) == fragment) {
         return ownerOnTie(hash, j, end, fragment);
      }
      return (j == end) ? nextOwner : (j == start) ? startOwner : storedOwner(j);
   }

   private long fragmentsAt(int j) {
      return (long) LONG_LE.get(fragments, j);
   }

   /**
    * The high bit of each byte of {@code x} that is below (unsigned) the same byte of {@code y}, the others 0;
    * {@code yLow7} is {@code y & LOW7}. Per byte: the high bit of {@code (x | 0x80) - (y & 0x7F)} says whether the
    * low seven bits borrowed (no byte borrows from its neighbour), and x < y when x's high bit is 0 and y's 1,
    * or both are equal and the low bits borrowed.
    */
   private static long bytesBelow(long x, long yLow7, long y) {
      final long lowBitsNoBorrow = (x | HIGH) - yLow7;
      return ((~x & y) | (~(x ^ y) & ~lowBitsNoBorrow)) & HIGH;
   }

   /** The owner when point j's fragment equals the hash's: recompute points until one is >= hash. */
   private int ownerOnTie(long hash, int j, int end, int fragment) {
      for (; j < end && (fragments[j] & 0xFF) == fragment; j++) {
         final int owner = storedOwner(j);
         if (Long.compareUnsigned(XxHash64.hashLabel(prefixes[owner], storedIndex(j)), hash) >= 0) {
            return owner;
         }
      }
      return storedOwner((j == pointCount) ? 0 : j);
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
      checkPoint(j);
      return XxHash64.hashLabel(prefixes[storedOwner(j)], storedIndex(j));
   }

   /** Shard index owning the j-th point. */
   int ownerAt(int j) {
      checkPoint(j);
      return storedOwner(j);
   }

   private void checkPoint(int j) {
      if (j < 0 || j >= pointCount) {
         throw new IndexOutOfBoundsException("point " + j + " of " + pointCount);
      }
   }

   /** Bytes held by the look-up arrays (excluding object headers and the names). */
   long footprintBytes() {
      long prefixBytes = 0;
      for (byte[] prefix : prefixes) {
         prefixBytes += prefix.length;
      }
      final long ring = fragments.length + owners.length + indexes.length + 4L * groupStarts.length + offsets.length;
      return ring + prefixBytes;
   }

   /** Buckets per group of the index, as a power of two. */
   int groupBits() {
      return groupBits;
   }

   /** Points in the longest bucket. */
   int longestBucket() {
      int longest = 0;
      for (int b = 0, buckets = offsets.length - 1; b < buckets; b++) {
         final int start = groupStarts[b >>> groupBits] + (offsets[b] & 0xFF);
         final int end = groupStarts[(b + 1) >>> groupBits] + (offsets[b + 1] & 0xFF);
         longest = Math.max(longest, end - start);
      }
      return longest;
   }

   /** Fragments a look-up compares without a loop. */
   static int scannedFragments() {
      return SCANNED_FRAGMENTS;
   }

   int bucketCount() {
      return offsets.length - 1;
   }

   // ---- decoding ----

   private int storedOwner(int j) {
      return bitsAt(owners, j, ownerBits, ownerMask);
   }

   private int storedIndex(int j) {
      return bitsAt(indexes, j, indexBits, indexMask);
   }

   /** Entry j of a packed array of entries of {@code width} bits (at most 57). */
   private static int bitsAt(byte[] packed, int j, int width, long mask) {
      final long bit = (long) j * width;
      return (int) (((long) LONG_LE.get(packed, (int) (bit >>> 3)) >>> (bit & 7)) & mask);
   }

   private static void putBits(byte[] packed, int j, int width, int value) {
      final long bit = (long) j * width;
      final int at = (int) (bit >>> 3);
      LONG_LE.set(packed, at, (long) LONG_LE.get(packed, at) | (long) value << (bit & 7));
   }

   // ---- construction ----

   /**
    * Writes every shard's points and owners, shards in name order and i ascending; records where each shard's
    * points start. Returns the generation indexes 0..n-1, for the sort to carry.
    */
   private int[] generatePoints(long[] points, int[] pointOwners, int[] firstOfShard, int[] perShard, Integer[] byName) {
      final int[] order = new int[points.length];
      for (int s = 0, j = 0; s < byName.length; s++) {
         final int owner = byName[s];
         final byte[] prefix = prefixes[owner];
         final byte[] label = Arrays.copyOf(prefix, prefix.length + 10);
         firstOfShard[owner] = j;
         for (int i = 0, end = perShard[owner]; i < end; i++, j++) {
            final int length = prefix.length + writeDecimal(i, label, prefix.length);
            points[j] = XxHash64.hash(label, 0, length, 0L);
            pointOwners[j] = owner;
            order[j] = j;
         }
      }
      return order;
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
   private static double[] exactShares(long[] points, int[] ringOwners, int count) {
      final int n = points.length;
      final long[] lo = new long[count];
      final long[] hi = new long[count];
      if (points[0] == points[n - 1]) {
         hi[ringOwners[0]] = 1; // a single distinct point value owns the whole ring
      }
      else {
         for (int j = 0; j < n; j++) {
            final long arc = points[j] - points[j == 0 ? n - 1 : j - 1]; // unsigned difference mod 2^64
            final int s = ringOwners[j];
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
