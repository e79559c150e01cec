package dev.shardline.ring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ring's stored layout (fragments, packed owners and indexes, bucket index) answers exactly as the
 * definition written plainly ({@link ReferenceRing}): same points, same owner for every hash, including
 * hashes right at and next to a point, at the edges of buckets and fragments, and past the last point.
 */
class HashRingLayoutTest {

   @Test
   void aRingOfUnequalWeightsAnswersAsTheReference() {
      Map<String, Integer> weights = new LinkedHashMap<>();
      for (int i = 0; i < 37; i++) {
         weights.put("shard-" + i, 1 + (i % 3));
      }
      assertSameAnswers(new ReferenceRing(weights, 500), new HashRing(weights, 500), 200_000);
   }

   /** A large ring (300 shards, 1.2M points, the default buckets and groups of 8 buckets). */
   @Test
   void aLargeRingAnswersAsTheReference() {
      final HashRing ring = new HashRing(RingMeasures.equalWeights(300));
      assertThat(ring.groupBits()).isEqualTo(3);
      assertSameAnswers(new ReferenceRing(RingMeasures.equalWeights(300), HashRing.DEFAULT_VIRTUAL_NODES), ring, 2_000_000);
   }

   /** The index with groups of 1, 2 and 4 buckets (the fall-backs when an offset would not fit a byte). */
   @Test
   void smallerIndexGroupsAnswerAlike() {
      final Map<String, Integer> weights = new LinkedHashMap<>();
      for (int i = 0; i < 23; i++) {
         weights.put("node-" + i, 1 + (i % 4));
      }
      final ReferenceRing reference = new ReferenceRing(weights, 700);
      for (int groupBits = 0; groupBits <= 2; groupBits++) {
         final HashRing ring = new HashRing(weights, 700, groupBits);
         assertThat(ring.groupBits()).isEqualTo(groupBits);
         assertSameAnswers(reference, ring, 200_000);
      }
   }

   /**
    * A ring of 2^14 points (16 a bucket on average) has buckets longer than the fragments a look-up compares
    * eight at a time without a loop; their points past those are counted one by one.
    */
   @Test
   void bucketsLongerThanTheUnrolledCompareAnswerAlike() {
      final Map<String, Integer> weights = RingMeasures.equalWeights(4);
      final HashRing ring = new HashRing(weights, 4096);
      assertThat(ring.longestBucket()).isGreaterThan(HashRing.scannedFragments());
      assertSameAnswers(new ReferenceRing(weights, 4096), ring, 500_000);
   }

   /**
    * The most shards a ring takes, one of them heavy (65,537 points, so a point's i needs 17 bits): every
    * shard keeps its own points, also those whose position in name order times 2^17 passes 2^31.
    */
   @Test
   void aFullWidthRingOfManyShardsAndOneHeavyAnswersAsTheReference() {
      final Map<String, Integer> weights = new LinkedHashMap<>();
      for (int i = 0; i < HashRing.MAX_SHARDS; i++) {
         weights.put(String.format("s%05d", i), (i == 0) ? HashRing.MAX_SHARDS + 1 : 1);
      }
      final HashRing ring = new HashRing(weights, 1);
      assertSameAnswers(new ReferenceRing(weights, 1), ring, 200_000);
      assertThat(ring.share("s65535")).isPositive();
   }

   /** Rings of one to a few points, where buckets are fewer than a group and most are empty. */
   @Test
   void tinyRingsAnswerAlike() {
      for (int points = 1; points <= 40; points++) {
         final Map<String, Integer> weights = new LinkedHashMap<>();
         weights.put("a", 1);
         assertSameAnswers(new ReferenceRing(weights, points), new HashRing(weights, points), 2_000);
         weights.put("b", 2);
         assertSameAnswers(new ReferenceRing(weights, points), new HashRing(weights, points), 2_000);
      }
   }

   private static void assertSameAnswers(ReferenceRing plain, HashRing packed, int randomHashes) {
      assertThat(packed.pointCount()).isEqualTo(plain.pointCount());
      final int n = plain.pointCount();
      // plain comparisons, the first difference reported (an assertion per hash would take minutes here)
      final StringBuilder first = new StringBuilder();
      long compared = 0;
      for (int j = 0; j < n && first.length() == 0; j++) {
         final long point = plain.pointAt(j);
         check(first, "point " + j, packed.pointAt(j), point);
         check(first, "owner of point " + j, packed.ownerAt(j), plain.ownerAt(j));
         // a hash equal to a point belongs to it; one above to the next point (wrapping); one below as plain says
         check(first, "hash at point " + j, packed.indexForHash(point), plain.ownerAt(j));
         if (point != -1L) {
            check(first, "hash above point " + j, packed.indexForHash(point + 1), plain.ownerAt((j + 1) % n));
         }
         check(first, "hash below point " + j, packed.indexForHash(point - 1), plain.indexForHash(point - 1));
         compared += 3;
      }
      for (long edge : new long[] { 0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE }) {
         check(first, "hash " + Long.toHexString(edge), packed.indexForHash(edge), plain.indexForHash(edge));
      }
      // past the last point every hash wraps to the first point's owner
      check(first, "hash -1", packed.indexForHash(-1L), plain.ownerAt(0));
      final SplittableRandom random = new SplittableRandom(n);
      final int shift = 64 - Integer.numberOfTrailingZeros(packed.bucketCount());
      for (int i = 0; i < randomHashes && first.length() == 0; i++) {
         final long hash = random.nextLong();
         // the hash, the first and last hash of its bucket, and the edges of its fragment
         final long bucketStart = (hash >>> shift) << shift;
         final long bucketEnd = bucketStart + (1L << shift) - 1;
         final long fragmentStart = hash & -(1L << (shift - HashRing.FRAGMENT_BITS));
         for (long h : new long[] { hash, bucketStart, bucketEnd, fragmentStart, fragmentStart - 1 }) {
            check(first, "hash " + Long.toHexString(h), packed.indexForHash(h), plain.indexForHash(h));
            compared++;
         }
      }
      assertThat(first).as("first difference of %d compared", compared).isEmpty();
      assertThat(compared).isGreaterThanOrEqualTo(3L * n + 5L * randomHashes);
   }

   private static void check(StringBuilder first, String what, long packed, long plain) {
      if (packed != plain && first.length() == 0) {
         first.append(what).append(": ring ").append(packed).append(", reference ").append(plain);
      }
   }

}
