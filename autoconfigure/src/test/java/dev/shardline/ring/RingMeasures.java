package dev.shardline.ring;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exact (no sampling) measurements on rings, shared by the tests. */
final class RingMeasures {

   static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

   private RingMeasures() {
   }

   /** shard-0 .. shard-(n-1), weight 1 each, in that order. */
   static Map<String, Integer> equalWeights(int n) {
      final Map<String, Integer> weights = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
         weights.put("shard-" + i, 1);
      }
      return weights;
   }

   /**
    * The exact size of the part of the hash space whose owner differs between the two rings, out of 2^64.
    * Between consecutive values of the union of both rings' points nothing changes in either ring, so each
    * elementary interval (x[k-1], x[k]] is owned in each ring by the owner of x[k]; the wrap interval
    * (x[last], 2^64) + [0, x[0]] by the owner of x[0].
    */
   static BigInteger movedMeasure(HashRing a, HashRing b) {
      final long[] xs = unionOfPoints(a, b);
      final int n = xs.length;
      long lo = 0;
      long hi = 0;
      for (int k = 0; k < n; k++) {
         if (!a.shardForHash(xs[k]).equals(b.shardForHash(xs[k]))) {
            final long length = k == 0 ? xs[0] - xs[n - 1] : xs[k] - xs[k - 1];
            if (n == 1) {
               return TWO_64;
            }
            final long sum = lo + length;
            if (Long.compareUnsigned(sum, lo) < 0) {
               hi++;
            }
            lo = sum;
         }
      }
      return BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
   }

   static double movedFraction(HashRing a, HashRing b) {
      return Math.scalb(movedMeasure(a, b).doubleValue(), -64);
   }

   /** Largest share times the number of shards (1.0 = perfectly even). */
   static double busiestOverMean(HashRing ring) {
      double max = 0;
      for (double share : ring.shares().values()) {
         max = Math.max(max, share);
      }
      return max * ring.shardNames().size();
   }

   /** Distinct points of both rings, ascending as unsigned values. */
   static long[] unionOfPoints(HashRing a, HashRing b) {
      final long[] out = new long[a.pointCount() + b.pointCount()];
      int i = 0;
      int j = 0;
      int n = 0;
      while (i < a.pointCount() || j < b.pointCount()) {
         final long next;
         if (j == b.pointCount() || (i < a.pointCount() && Long.compareUnsigned(a.pointAt(i), b.pointAt(j)) <= 0)) {
            next = a.pointAt(i++);
         }
         else {
            next = b.pointAt(j++);
         }
         if (n == 0 || out[n - 1] != next) {
            out[n++] = next;
         }
      }
      return java.util.Arrays.copyOf(out, n);
   }
}
