package dev.shardline.ring;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Turns a shard key into its canonical bytes and their XXH64 hash (seed 0), the value the ring routes.
 * Integral numbers ({@code Long}, {@code Integer}, {@code Short}, {@code Byte}, {@code BigInteger}
 * within the long range) become the 8 big-endian bytes of the value widened to a {@code long}, so
 * {@code 42}, {@code 42L} and {@code BigInteger.valueOf(42)} are the same key; a {@code String} is its
 * UTF-8 bytes (so {@code "42"} is a different key than {@code 42}); a {@code UUID} is its 16 bytes, most
 * significant half first; a {@code byte[]} is itself. Other types must be converted by the caller.
 */
public final class ShardKeys {

   private static final String SUPPORTED = "Long, Integer, Short, Byte, BigInteger (within the long range), String, UUID or byte[]";

   private ShardKeys() {
   }

   /**
    * The XXH64 hash of the key's canonical bytes. Allocation-free for every integral type, UUID,
    * byte[] and strings of ASCII chars; other strings are UTF-8 encoded first.
    *
    * @throws IllegalArgumentException if the key is null, of an unsupported type, or a BigInteger outside the long range
    */
   public static long hash(Object key) {
      // most frequent types first; instanceof chains are cheaper than a type-keyed map and allocate nothing
      if (key instanceof Long l) {
         return XxHash64.hashLong(l.longValue());
      }
      if (key instanceof Integer i) {
         return XxHash64.hashLong(i.longValue());
      }
      if (key instanceof String s) {
         return XxHash64.hashUtf8(s);
      }
      if (key instanceof UUID u) {
         return XxHash64.hashLongs(u.getMostSignificantBits(), u.getLeastSignificantBits());
      }
      if (key instanceof byte[] b) {
         return XxHash64.hash(b, 0, b.length, 0L);
      }
      return XxHash64.hashLong(integral(key));
   }

   /** The XXH64 hash of an integral key; {@code hash(42)}, {@code hash(42L)} and {@code hash((Object) 42)} agree. */
   public static long hash(long key) {
      return XxHash64.hashLong(key);
   }

   /**
    * A fresh copy of the key's canonical bytes, the input of {@link #hash(Object)} (for diagnostics and docs,
    * not the hot path).
    *
    * @throws IllegalArgumentException as {@link #hash(Object)}
    */
   public static byte[] toBytes(Object key) {
      if (key instanceof String s) {
         return s.getBytes(StandardCharsets.UTF_8);
      }
      if (key instanceof UUID u) {
         return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
      }
      if (key instanceof byte[] b) {
         return b.clone();
      }
      return ByteBuffer.allocate(8).putLong(integral(key)).array();
   }

   /** The key as a long if it is one of the integral types, otherwise the matching IllegalArgumentException. */
   private static long integral(Object key) {
      if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
         return ((Number) key).longValue();
      }
      if (key instanceof BigInteger big) {
         if (big.bitLength() > 63) {
            throw new IllegalArgumentException("Shard key " + big + " (BigInteger) is outside the long range ["
                  + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "]; only integral keys that fit in a long are supported");
         }
         return big.longValue();
      }
      if (key == null) {
         throw new IllegalArgumentException("Shard key must not be null");
      }
      throw new IllegalArgumentException("Unsupported shard key type " + key.getClass().getName() + "; supported types are "
            + SUPPORTED + ". Plug in a key converter that maps " + key.getClass().getSimpleName() + " to one of them.");
   }
}
