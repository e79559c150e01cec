package dev.shardline.ring;

import static dev.shardline.ring.RingMeasures.equalWeights;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.IntUnaryOperator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hot path allocates nothing: asserted with the thread's allocation counter, not with timings. */
class HashRingAllocationTest {

   private static final int LOOKUPS = 100_000;
   private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

   private static HashRing ring64;
   private static HashRing ring1024;
   private static Long[] longs;
   private static Integer[] ints;
   private static UUID[] uuids;
   private static String[] asciiStrings;
   private static byte[][] byteArrays;
   private static long[] hashes;

   @BeforeAll
   static void setUp() {
      THREADS.setThreadAllocatedMemoryEnabled(true);
      ring64 = new HashRing(equalWeights(64));
      ring1024 = new HashRing(equalWeights(1024));
      final SplittableRandom random = new SplittableRandom(7);
      longs = new Long[LOOKUPS];
      ints = new Integer[LOOKUPS];
      uuids = new UUID[LOOKUPS];
      asciiStrings = new String[LOOKUPS];
      byteArrays = new byte[LOOKUPS][];
      hashes = new long[LOOKUPS];
      for (int i = 0; i < LOOKUPS; i++) {
         longs[i] = random.nextLong();
         ints[i] = random.nextInt();
         uuids[i] = new UUID(random.nextLong(), random.nextLong());
         asciiStrings[i] = "customer-" + random.nextInt(1_000_000) + (i % 3 == 0 ? "/orders/2024-long-enough-to-need-stripes" : "");
         byteArrays[i] = new byte[i % 40];
         random.nextBytes(byteArrays[i]);
         hashes[i] = random.nextLong();
      }
   }

   @Test
   void hashLookupsAllocateNothing() {
      assertAllocatesNothing(i -> ring64.indexForHash(hashes[i]));
      assertAllocatesNothing(i -> ring64.shardForHash(hashes[i]).length());
      assertAllocatesNothing(i -> ring1024.indexForHash(hashes[i]));
   }

   @Test
   void keyLookupsAllocateNothing() {
      assertAllocatesNothing(i -> ring64.shardFor(longs[i]).length());
      assertAllocatesNothing(i -> ring64.shardFor(ints[i]).length());
      assertAllocatesNothing(i -> ring64.shardFor(uuids[i]).length());
      assertAllocatesNothing(i -> ring64.shardFor(asciiStrings[i]).length());
      assertAllocatesNothing(i -> ring64.shardFor(byteArrays[i]).length());
      assertAllocatesNothing(i -> ring1024.shardFor(longs[i]).length());
   }

   private static void assertAllocatesNothing(IntUnaryOperator lookup) {
      final long thread = Thread.currentThread().getId();
      long sink = 0;
      long best = Long.MAX_VALUE;
      // warm up (JIT) first; take the best of a few rounds so an unrelated one-off allocation (class loading,
      // deoptimisation, the counter itself) cannot fail the test, while a per-lookup allocation always would
      for (int round = 0; round < 8 && best != 0; round++) {
         final long before = THREADS.getThreadAllocatedBytes(thread);
         for (int i = 0; i < LOOKUPS; i++) {
            sink += lookup.applyAsInt(i);
         }
         final long after = THREADS.getThreadAllocatedBytes(thread);
         if (round >= 2) {
            best = Math.min(best, after - before);
         }
      }
      assertThat(best).as("bytes allocated by %d look-ups (sink %d)", LOOKUPS, sink).isZero();
   }
}
