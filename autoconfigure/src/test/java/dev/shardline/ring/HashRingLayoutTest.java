package dev.shardline.ring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain layout (small rings) and the packed one (large rings) are the same ring: same points,
 * same owner for every hash, including hashes right at and next to a point and past the last.
 */
class HashRingLayoutTest {

   @Test
   void plainAndPackedLayoutsAnswerAlike() {
      Map<String, Integer> weights = new LinkedHashMap<>();
      for (int i = 0; i < 37; i++) {
         weights.put("shard-" + i, 1 + (i % 3));
      }
      HashRing plain = new HashRing(weights, 500, Integer.MAX_VALUE);
      HashRing packed = new HashRing(weights, 500, 0);
      assertThat(plain.isPlain()).isTrue();
      assertThat(packed.isPlain()).isFalse();
      assertThat(plain.pointCount()).isEqualTo(packed.pointCount());
      for (int j = 0; j < plain.pointCount(); j++) {
         assertThat(plain.pointAt(j)).isEqualTo(packed.pointAt(j));
         assertThat(plain.ownerAt(j)).isEqualTo(packed.ownerAt(j));
         long point = plain.pointAt(j);
         assertThat(plain.indexForHash(point)).isEqualTo(packed.indexForHash(point));
         assertThat(plain.indexForHash(point + 1)).isEqualTo(packed.indexForHash(point + 1));
      }
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < 200_000; i++) {
         long hash = random.nextLong();
         assertThat(plain.indexForHash(hash)).isEqualTo(packed.indexForHash(hash));
      }
      assertThat(plain.indexForHash(-1L)).isEqualTo(packed.indexForHash(-1L)).isEqualTo(plain.ownerAt(0));
   }

   /**
    * A ring above the plain limit (300 shards, 1.2M points, the packed layout's default buckets and groups)
    * built both ways: every point, its neighbours, the buckets' edges, 0, -1 and 2,000,000 random hashes.
    */
   @Test
   void packedLayoutMatchesPlainOnALargeRing() {
      final HashRing plain = new HashRing(RingMeasures.equalWeights(300), HashRing.DEFAULT_VIRTUAL_NODES, Integer.MAX_VALUE);
      final HashRing packed = new HashRing(RingMeasures.equalWeights(300));
      assertThat(plain.isPlain()).isTrue();
      assertThat(packed.isPlain()).isFalse();
      assertThat(packed.groupBits()).isEqualTo(3);
      assertSameAnswers(plain, packed, 2_000_000);
   }

   /** The packed index with groups of 1, 2 and 4 buckets (the fall-backs when an offset would not fit a byte). */
   @Test
   void smallerIndexGroupsAnswerAlike() {
      final Map<String, Integer> weights = new LinkedHashMap<>();
      for (int i = 0; i < 23; i++) {
         weights.put("node-" + i, 1 + (i % 4));
      }
      final HashRing plain = new HashRing(weights, 700, Integer.MAX_VALUE);
      for (int groupBits = 0; groupBits <= 2; groupBits++) {
         final HashRing packed = new HashRing(weights, 700, 0, groupBits);
         assertThat(packed.groupBits()).isEqualTo(groupBits);
         assertSameAnswers(plain, packed, 200_000);
      }
   }

   /** Rings of one to a few points, where buckets are fewer than a group and most are empty. */
   @Test
   void tinyPackedRingsAnswerAlike() {
      for (int points = 1; points <= 40; points++) {
         final Map<String, Integer> weights = new LinkedHashMap<>();
         weights.put("a", 1);
         final HashRing plain = new HashRing(weights, points, Integer.MAX_VALUE);
         final HashRing packed = new HashRing(weights, points, 0);
         assertSameAnswers(plain, packed, 2_000);
         weights.put("b", 2);
         assertSameAnswers(new HashRing(weights, points, Integer.MAX_VALUE), new HashRing(weights, points, 0), 2_000);
      }
   }

   private static void assertSameAnswers(HashRing plain, HashRing packed, int randomHashes) {
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
         first.append(what).append(": packed ").append(packed).append(", plain ").append(plain);
      }
   }

   @Test
   void theDefaultKeepsRingsUpTo256ShardsPlain() {
      Map<String, Integer> weights = new LinkedHashMap<>();
      for (int i = 0; i < 256; i++) {
         weights.put("shard-" + i, 1);
      }
      assertThat(new HashRing(weights).isPlain()).isTrue();
      weights.put("shard-256", 1);
      assertThat(new HashRing(weights).isPlain()).isFalse();
   }

}
