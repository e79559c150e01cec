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
