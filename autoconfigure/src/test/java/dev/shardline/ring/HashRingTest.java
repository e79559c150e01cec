package dev.shardline.ring;

import static dev.shardline.ring.RingMeasures.equalWeights;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HashRingTest {

   // Rings are immutable, so the property tests share a few instead of rebuilding per try.
   private static final HashRing TWO = new HashRing(equalWeights(2));
   private static final HashRing WEIGHTED = new HashRing(weights("a", 1, "b", 2, "c", 3), 50);
   private static final HashRing SEVENTEEN_SPARSE = new HashRing(equalWeights(17), 3);
   private static final HashRing SINGLE = new HashRing(weights("only", 1), 1);
   private static final List<HashRing> RINGS = List.of(TWO, WEIGHTED, SEVENTEEN_SPARSE, SINGLE);

   @Test
   void workedExamplesFromHashMd() {
      // key 42 -> 00..2a -> a2c396223f8bdbdf; first point at/after it is shard-0's a2cae7136990a11b
      assertThat(TWO.shardFor(42L)).isEqualTo("shard-0");
      assertThat(TWO.shardFor(42)).isEqualTo("shard-0");
      assertThat(TWO.shardFor("42")).isEqualTo("shard-1");
      assertThat(TWO.shardFor(0L)).isEqualTo("shard-1");
      assertThat(TWO.shardFor(-1L)).isEqualTo("shard-0");
      assertThat(TWO.shardFor("user-1001")).isEqualTo("shard-1");
      assertThat(TWO.shardFor("東京")).isEqualTo("shard-0");
      assertThat(TWO.shardFor(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))).isEqualTo("shard-0");

      assertThat(TWO.pointCount()).isEqualTo(8000);
      final int j = naiveIndex(TWO, 0xa2c396223f8bdbdfL);
      assertThat(TWO.pointAt(j)).isEqualTo(0xa2cae7136990a11bL);
      assertThat(TWO.pointAt(j - 1)).isEqualTo(0xa2b67e8ca960b596L);
      assertThat(TWO.shardNames().get(TWO.ownerAt(j - 1))).isEqualTo("shard-1");
      assertThat(j).isEqualTo(5041);
   }

   @Test
   void virtualNodePointsAreXxHashOfNameHashIndex() {
      assertThat(XxHash64.hash("shard-0#0".getBytes(StandardCharsets.UTF_8))).isEqualTo(0xfb4af3c85fff4892L);
      assertThat(XxHash64.hash("shard-1#0".getBytes(StandardCharsets.UTF_8))).isEqualTo(0x3ea0b605ca5ec0f3L);
      assertThat(XxHash64.hash("shard-0#3999".getBytes(StandardCharsets.UTF_8))).isEqualTo(0x88333c2f1abec754L);
      final List<Long> expected = new ArrayList<>();
      for (Map.Entry<String, Integer> e : weights("a", 1, "b", 2, "c", 3).entrySet()) {
         for (int i = 0; i < e.getValue() * 50; i++) {
            expected.add(XxHash64.hash((e.getKey() + "#" + i).getBytes(StandardCharsets.UTF_8)));
         }
      }
      expected.sort(Long::compareUnsigned);
      final List<Long> actual = new ArrayList<>();
      for (int j = 0; j < WEIGHTED.pointCount(); j++) {
         actual.add(WEIGHTED.pointAt(j));
      }
      assertThat(actual).containsExactlyElementsOf(expected);
   }

   @Test
   void wrapsAroundPastTheLastPoint() {
      for (HashRing ring : RINGS) {
         final int n = ring.pointCount();
         final int first = ring.ownerAt(0);
         assertThat(ring.indexForHash(ring.pointAt(n - 1) + 1)).isEqualTo(first);
         assertThat(ring.indexForHash(-1L)).isEqualTo(ring.pointAt(n - 1) == -1L ? ring.ownerAt(n - 1) : first);
         assertThat(ring.indexForHash(0L)).isEqualTo(first);
         assertThat(ring.indexForHash(ring.pointAt(0))).isEqualTo(first);
      }
   }

   @Test
   void aHashEqualToAPointBelongsToThatPoint() {
      for (HashRing ring : RINGS) {
         for (int j = 0; j < ring.pointCount(); j++) {
            assertThat(ring.indexForHash(ring.pointAt(j))).isEqualTo(ring.ownerAt(j));
            if (j > 0 && ring.pointAt(j) - 1 != ring.pointAt(j - 1)) {
               assertThat(ring.indexForHash(ring.pointAt(j) - 1)).isEqualTo(ring.ownerAt(j));
               assertThat(ring.indexForHash(ring.pointAt(j - 1) + 1)).isEqualTo(ring.ownerAt(j));
            }
         }
      }
   }

   @Property(tries = 2000)
   void lookupEqualsNaiveLinearScan(@ForAll("hashes") long hash, @ForAll @IntRange(max = 3) int which) {
      final HashRing ring = RINGS.get(which);
      final int expected = ring.ownerAt(naiveIndex(ring, hash) % ring.pointCount());
      assertThat(ring.indexForHash(hash)).isEqualTo(expected);
      assertThat(ring.shardForHash(hash)).isEqualTo(ring.shardNames().get(expected));
   }

   @Property(tries = 300)
   void keysRouteByTheirHash(@ForAll long l, @ForAll String s, @ForAll long msb, @ForAll long lsb) {
      for (Object key : new Object[] {l, s, new UUID(msb, lsb), (int) l}) {
         assertThat(WEIGHTED.shardFor(key)).isEqualTo(WEIGHTED.shardForHash(ShardKeys.hash(key)));
      }
   }

   @Property(tries = 300)
   void fortyTwoRoutesAlikeInEveryIntegralType(@ForAll long value) {
      final String expected = SEVENTEEN_SPARSE.shardFor(value);
      if (value == (int) value) {
         assertThat(SEVENTEEN_SPARSE.shardFor((int) value)).isEqualTo(expected);
      }
      if (value == (short) value) {
         assertThat(SEVENTEEN_SPARSE.shardFor((short) value)).isEqualTo(expected);
      }
      assertThat(SEVENTEEN_SPARSE.shardFor(BigInteger.valueOf(value))).isEqualTo(expected);
      assertThat(TWO.shardFor(42)).isEqualTo(TWO.shardFor(42L)).isEqualTo(TWO.shardFor((short) 42))
            .isEqualTo(TWO.shardFor((byte) 42)).isEqualTo(TWO.shardFor(BigInteger.valueOf(42)));
   }

   @Property(tries = 20)
   void stableAcrossRebuildsAndMapOrder(@ForAll("hashes") long hash) {
      final Map<String, Integer> reversed = new LinkedHashMap<>();
      final List<String> names = new ArrayList<>(WEIGHTED.shardNames());
      Collections.reverse(names);
      for (String name : names) {
         reversed.put(name, Map.of("a", 1, "b", 2, "c", 3).get(name));
      }
      final HashRing rebuilt = new HashRing(reversed, 50);
      assertThat(rebuilt.shardNames()).containsExactly("c", "b", "a");
      for (int j = 0; j < WEIGHTED.pointCount(); j++) {
         assertThat(rebuilt.pointAt(j)).isEqualTo(WEIGHTED.pointAt(j));
      }
      for (long h = hash, k = 0; k < 1000; k++, h = h * 6364136223846793005L + 1442695040888963407L) {
         assertThat(rebuilt.shardForHash(h)).isEqualTo(WEIGHTED.shardForHash(h));
      }
      assertThat(rebuilt.shares()).isEqualTo(WEIGHTED.shares());
   }

   @Property(tries = 40)
   void addingAShardMovesKeysOnlyToTheNewShard(@ForAll @IntRange(min = 1, max = 12) int shards,
         @ForAll @IntRange(min = 1, max = 40) int vnodes, @ForAll("hashes") long seed) {
      final HashRing before = new HashRing(equalWeights(shards), vnodes);
      final HashRing after = new HashRing(equalWeights(shards + 1), vnodes);
      final String added = "shard-" + shards;
      for (long h = seed, k = 0; k < 2000; k++, h = h * 6364136223846793005L + 1442695040888963407L) {
         final String was = before.shardForHash(h);
         final String now = after.shardForHash(h);
         if (!was.equals(now)) {
            assertThat(now).isEqualTo(added);
         }
      }
      // and exactly the new shard's share moved
      assertThat(RingMeasures.movedFraction(before, after)).isEqualTo(after.share(added));
   }

   @Test
   void sharesAreExactArcSumsAndAddUpToOne() {
      for (HashRing ring : RINGS) {
         BigInteger total = BigInteger.ZERO;
         final Map<String, BigInteger> arcs = new HashMap<>();
         for (int j = 0; j < ring.pointCount(); j++) {
            final long previous = ring.pointAt(j == 0 ? ring.pointCount() - 1 : j - 1);
            BigInteger arc = new BigInteger(Long.toUnsignedString(ring.pointAt(j) - previous));
            if (ring.pointCount() == 1) {
               arc = RingMeasures.TWO_64;
            }
            arcs.merge(ring.shardNames().get(ring.ownerAt(j)), arc, BigInteger::add);
            total = total.add(arc);
         }
         assertThat(total).isEqualTo(RingMeasures.TWO_64);
         double sum = 0;
         for (String shard : ring.shardNames()) {
            assertThat(ring.share(shard)).isEqualTo(Math.scalb(arcs.get(shard).doubleValue(), -64));
            sum += ring.share(shard);
         }
         assertThat(sum).isCloseTo(1.0, within(1e-12));
         assertThat(ring.shares().keySet()).containsExactlyElementsOf(ring.shardNames());
      }
      assertThat(SINGLE.share("only")).isEqualTo(1.0);
      assertThat(WEIGHTED.share("c") / WEIGHTED.share("a")).isBetween(2.0, 4.5);
   }

   @Test
   void accessorsAndToString() {
      assertThat(TWO.virtualNodesPerWeight()).isEqualTo(HashRing.DEFAULT_VIRTUAL_NODES);
      assertThat(WEIGHTED.virtualNodesPerWeight()).isEqualTo(50);
      assertThat(WEIGHTED.shardNames()).containsExactly("a", "b", "c");
      assertThat(WEIGHTED.pointCount()).isEqualTo(300);
      assertThat(WEIGHTED).hasToString("HashRing[shards=3, virtualNodesPerWeight=50, points=300]");
      assertThatThrownBy(() -> WEIGHTED.shardNames().add("d")).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> WEIGHTED.shares().put("d", 1.0)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> WEIGHTED.share("d")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'d'");
   }

   @Test
   void unicodeShardNamesAreHashedAsUtf8() {
      final HashRing ring = new HashRing(weights("東京", 1, "shard-ü", 1), 2);
      final List<Long> expected = new ArrayList<>();
      for (String label : List.of("東京#0", "東京#1", "shard-ü#0", "shard-ü#1")) {
         expected.add(XxHash64.hash(label.getBytes(StandardCharsets.UTF_8)));
      }
      expected.sort(Long::compareUnsigned);
      for (int j = 0; j < 4; j++) {
         assertThat(ring.pointAt(j)).isEqualTo(expected.get(j));
      }
   }

   @Test
   void rejectsInvalidConfiguration() {
      assertThatThrownBy(() -> new HashRing(Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one shard");
      assertThatThrownBy(() -> new HashRing(null)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new HashRing(Map.of("a", 1), 0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("virtualNodesPerWeight");
      assertThatThrownBy(() -> new HashRing(Map.of("a", 0))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'a'").hasMessageContaining("at least 1");
      final Map<String, Integer> nullWeight = new HashMap<>();
      nullWeight.put("a", null);
      assertThatThrownBy(() -> new HashRing(nullWeight)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new HashRing(Map.of(" ", 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
      assertThatThrownBy(() -> new HashRing(Map.of("a", Integer.MAX_VALUE), 2)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("points");
      assertThatThrownBy(() -> new HashRing(new TreeMap<>(Map.of("a", HashRing.MAX_POINTS / 2 + 1)), 2))
            .isInstanceOf(IllegalArgumentException.class);
   }

   @Provide
   Arbitrary<Long> hashes() {
      // arbitrary longs plus values right at, before and after existing points and the extremes
      final Arbitrary<Long> nearPoints = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(-1, 1)).as((which, index, delta) -> {
               final HashRing ring = RINGS.get(which);
               return ring.pointAt(index % ring.pointCount()) + delta;
            });
      return Arbitraries.oneOf(Arbitraries.longs(), nearPoints, Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L));
   }

   /** Reference look-up: index of the first point >= hash (unsigned) by scanning all points; pointCount() if none. */
   static int naiveIndex(HashRing ring, long hash) {
      for (int j = 0; j < ring.pointCount(); j++) {
         if (Long.compareUnsigned(ring.pointAt(j), hash) >= 0) {
            return j;
         }
      }
      return ring.pointCount();
   }

   static Map<String, Integer> weights(Object... nameWeightPairs) {
      final Map<String, Integer> map = new LinkedHashMap<>();
      for (int i = 0; i < nameWeightPairs.length; i += 2) {
         map.put((String) nameWeightPairs[i], (Integer) nameWeightPairs[i + 1]);
      }
      return map;
   }
}
