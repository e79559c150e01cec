package dev.shardline.ring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The ring's definition ({@code tools/ring/HASH.md}) written as plainly as possible, for tests: every point
 * {@code XXH64(UTF-8(name + "#" + i))} kept as a long, sorted unsigned (ties by name, then i), and a hash's
 * owner found by binary search. Slow and large on purpose; {@link HashRing} must answer exactly alike.
 */
final class ReferenceRing {

   private final long[] points;

   private final int[] owners;

   ReferenceRing(Map<String, Integer> weights, int virtualNodesPerWeight) {
      record Point(long value, String name, int i, int owner) {
      }
      final List<Point> all = new ArrayList<>();
      int owner = 0;
      for (Map.Entry<String, Integer> e : weights.entrySet()) {
         for (int i = 0, count = e.getValue() * virtualNodesPerWeight; i < count; i++) {
            all.add(new Point(XxHash64.hash((e.getKey() + "#" + i).getBytes(StandardCharsets.UTF_8)), e.getKey(), i, owner));
         }
         owner++;
      }
      all.sort(Comparator.comparing(Point::value, Long::compareUnsigned).thenComparing(Point::name).thenComparingInt(Point::i));
      points = new long[all.size()];
      owners = new int[all.size()];
      for (int j = 0; j < points.length; j++) {
         points[j] = all.get(j).value();
         owners[j] = all.get(j).owner();
      }
   }

   int pointCount() {
      return points.length;
   }

   long pointAt(int j) {
      return points[j];
   }

   int ownerAt(int j) {
      return owners[j];
   }

   /** Owner of the first point at or after the hash (unsigned), wrapping round to the first point. */
   int indexForHash(long hash) {
      int low = 0;
      int high = points.length; // the answer is in [low, high]; high = n means "wrap"
      while (low < high) {
         final int mid = (low + high) >>> 1;
         if (Long.compareUnsigned(points[mid], hash) < 0) {
            low = mid + 1;
         }
         else {
            high = mid;
         }
      }
      return owners[(low == points.length) ? 0 : low];
   }
}
