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
      for (int j = 0; j < n; j++) {
         final long point = plain.pointAt(j);
         assertThat(packed.pointAt(j)).isEqualTo(point);
         assertThat(packed.ownerAt(j)).isEqualTo(plain.ownerAt(j));
         // a hash equal to a point belongs to it; one above to the next point (wrapping); one below to it
         assertThat(packed.indexForHash(point)).isEqualTo(plain.ownerAt(j));
         if (point != -1L) {
            assertThat(packed.indexForHash(point + 1)).isEqualTo(plain.ownerAt((j + 1) % n));
         }
         assertThat(packed.indexForHash(point - 1)).isEqualTo(plain.indexForHash(point - 1));
      }
      for (long edge : new long[] { 0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE }) {
         assertThat(packed.indexForHash(edge)).as("hash %x", edge).isEqualTo(plain.indexForHash(edge));
      }
      // past the last point every hash wraps to the first point's owner
      assertThat(packed.indexForHash(-1L)).isEqualTo(plain.ownerAt(0));
      final SplittableRandom random = new SplittableRandom(n);
      final int buckets = packed.bucketCount();
      final int shift = 64 - Integer.numberOfTrailingZeros(buckets);
      for (int i = 0; i < randomHashes; i++) {
         final long hash = random.nextLong();
         assertThat(packed.indexForHash(hash)).as("hash %x", hash).isEqualTo(plain.indexForHash(hash));
         // the first and last hash of a bucket, and the edges of a fragment
         final long bucketStart = (shift == 64) ? 0 : (hash >>> shift) << shift;
         final long bucketEnd = bucketStart + ((shift == 64) ? -1L : (1L << shift) - 1);
         final long fragmentStart = hash & -(1L << Math.max(0, shift - HashRing.FRAGMENT_BITS));
         for (long edge : new long[] { bucketStart, bucketEnd, fragmentStart, fragmentStart - 1 }) {
            assertThat(packed.indexForHash(edge)).as("hash %x", edge).isEqualTo(plain.indexForHash(edge));
         }
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
