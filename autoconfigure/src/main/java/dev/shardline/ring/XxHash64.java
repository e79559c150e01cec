package dev.shardline.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The published xxHash64 algorithm (XXH64, see xxHash's {@code doc/xxhash_spec.md}), seed 0 unless
 * given. Stateless and allocation-free: besides byte arrays it hashes a {@code long}'s or two
 * {@code long}s' big-endian bytes and an ASCII string's chars directly, without building a byte[].
 * Shard routing depends on these exact values, so they must never change.
 */
public final class XxHash64 {

   private static final long P1 = 0x9E3779B185EBCA87L;
   private static final long P2 = 0xC2B2AE3D27D4EB4FL;
   private static final long P3 = 0x165667B19E3779F9L;
   private static final long P4 = 0x85EBCA77C2B2AE63L;
   private static final long P5 = 0x27D4EB2F165667C5L;

   // XXH64 lanes are little-endian; a byte-array view reads them as one (intrinsified) load
   private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
   private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

   private XxHash64() {
   }

   /** XXH64 of the whole array, seed 0. */
   public static long hash(byte[] data) {
      return hash(data, 0, data.length, 0L);
   }

   /** XXH64 of {@code data[offset, offset + length)}, seed 0. */
   public static long hash(byte[] data, int offset, int length) {
      return hash(data, offset, length, 0L);
   }

   /** XXH64 of {@code data[offset, offset + length)} with the given seed. */
   public static long hash(byte[] data, int offset, int length, long seed) {
      if (offset < 0 || length < 0 || offset > data.length - length) {
         throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array length " + data.length);
      }
      final int end = offset + length;
      int p = offset;
      long h;
      if (length >= 32) {
         long v1 = seed + P1 + P2;
         long v2 = seed + P2;
         long v3 = seed;
         long v4 = seed - P1;
         for (final int limit = end - 32; p <= limit; p += 32) {
            v1 = round(v1, le64(data, p));
            v2 = round(v2, le64(data, p + 8));
            v3 = round(v3, le64(data, p + 16));
            v4 = round(v4, le64(data, p + 24));
         }
         h = converge(v1, v2, v3, v4);
      }
      else {
         h = seed + P5;
      }
      h += length;
      for (; p <= end - 8; p += 8) {
         h = mix8(h, le64(data, p));
      }
      if (p <= end - 4) {
         h = mix4(h, le32(data, p));
         p += 4;
      }
      for (; p < end; p++) {
         h = mix1(h, data[p] & 0xFF);
      }
      return avalanche(h);
   }

   /** XXH64 of the 8 big-endian bytes of {@code value}, seed 0; equals {@code hash(toBigEndianBytes(value))}. */
   public static long hashLong(long value) {
      return hashLong(value, 0L);
   }

   /** XXH64 of the 8 big-endian bytes of {@code value} with the given seed. */
   public static long hashLong(long value, long seed) {
      // XXH64 reads lanes little-endian, so big-endian bytes are the byte-reversed value
      return avalanche(mix8(seed + P5 + 8, Long.reverseBytes(value)));
   }

   /** XXH64 of the 16 bytes {@code first} then {@code second}, each big-endian, seed 0 (a UUID's msb/lsb). */
   public static long hashLongs(long first, long second) {
      long h = mix8(P5 + 16, Long.reverseBytes(first));
      return avalanche(mix8(h, Long.reverseBytes(second)));
   }

   /**
    * XXH64 (seed 0) of the UTF-8 bytes of {@code s}. Strings made only of chars below 0x80 are hashed
    * straight from their chars (their UTF-8 bytes are the chars); any other string is encoded first.
    */
   public static long hashUtf8(String s) {
      final int length = s.length();
      for (int i = 0; i < length; i++) {
         if (s.charAt(i) >= 0x80) {
            final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            return hash(utf8, 0, utf8.length, 0L);
         }
      }
      return hashAscii(s, length);
   }

   /** Same steps as {@link #hash(byte[], int, int, long)} with seed 0, reading byte i as {@code s.charAt(i)}. */
   private static long hashAscii(String s, int length) {
      int p = 0;
      long h;
      if (length >= 32) {
         long v1 = P1 + P2;
         long v2 = P2;
         long v3 = 0;
         long v4 = -P1;
         for (final int limit = length - 32; p <= limit; p += 32) {
            v1 = round(v1, le64(s, p));
            v2 = round(v2, le64(s, p + 8));
            v3 = round(v3, le64(s, p + 16));
            v4 = round(v4, le64(s, p + 24));
         }
         h = converge(v1, v2, v3, v4);
      }
      else {
         h = P5;
      }
      h += length;
      for (; p <= length - 8; p += 8) {
         h = mix8(h, le64(s, p));
      }
      if (p <= length - 4) {
         h = mix4(h, le32(s, p));
         p += 4;
      }
      for (; p < length; p++) {
         h = mix1(h, s.charAt(p));
      }
      return avalanche(h);
   }

   /**
    * XXH64 (seed 0) of the ring label {@code prefix ‖ ASCII-decimal(index)} (e.g. {@code "shard-0#" + 17}),
    * without building it: equals {@code hash((prefix + index).getBytes(UTF_8))} for {@code index >= 0}.
    * Allocation-free, so a ring can recompute a point instead of storing it.
    */
   static long hashLabel(byte[] prefix, int index) {
      final int digits = decimalDigits(index);
      final int length = prefix.length + digits;
      if (length < 32) {
         return hashShortLabel(prefix, index, digits, length);
      }
      int p = 0;
      long h;
      if (length >= 32) {
         long v1 = P1 + P2;
         long v2 = P2;
         long v3 = 0;
         long v4 = -P1;
         for (final int limit = length - 32; p <= limit; p += 32) {
            v1 = round(v1, le64(prefix, index, digits, p));
            v2 = round(v2, le64(prefix, index, digits, p + 8));
            v3 = round(v3, le64(prefix, index, digits, p + 16));
            v4 = round(v4, le64(prefix, index, digits, p + 24));
         }
         h = converge(v1, v2, v3, v4);
      }
      else {
         h = P5;
      }
      h += length;
      for (; p <= length - 8; p += 8) {
         h = mix8(h, le64(prefix, index, digits, p));
      }
      if (p <= length - 4) {
         h = mix4(h, le32(prefix, index, digits, p));
         p += 4;
      }
      for (; p < length; p++) {
         h = mix1(h, labelByte(prefix, index, digits, p));
      }
      return avalanche(h);
   }

   /**
    * {@link #hashLabel} for labels under 32 bytes (no stripes): streams the label's bytes into 8-byte lanes
    * once, the digits taken from a nibble-packed copy of {@code index} (no division by a variable).
    */
   private static long hashShortLabel(byte[] prefix, int index, int digits, int length) {
      long reversed = 0;
      for (int d = 0, v = index; d < digits; d++, v /= 10) {
         reversed |= (long) (v % 10) << (d << 2);
      }
      long h = P5 + length;
      long lane = 0;
      int k = 0;
      for (; k < prefix.length; k++) {
         lane |= (long) (prefix[k] & 0xFF) << ((k & 7) << 3);
         if ((k & 7) == 7) {
            h = mix8(h, lane);
            lane = 0;
         }
      }
      for (int d = digits - 1; d >= 0; d--, k++) {
         lane |= ('0' + ((reversed >>> (d << 2)) & 0xF)) << ((k & 7) << 3);
         if ((k & 7) == 7) {
            h = mix8(h, lane);
            lane = 0;
         }
      }
      int tail = length & 7;
      if (tail >= 4) {
         h = mix4(h, lane & 0xFFFF_FFFFL);
         lane >>>= 32;
         tail -= 4;
      }
      for (; tail > 0; tail--, lane >>>= 8) {
         h = mix1(h, (int) (lane & 0xFF));
      }
      return avalanche(h);
   }

   /** Number of decimal digits of {@code value >= 0}. */
   static int decimalDigits(int value) {
      int digits = 1;
      for (int v = value; v >= 10; v /= 10) {
         digits++;
      }
      return digits;
   }

   private static final int[] POWERS_OF_TEN = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
         1_000_000_000 };

   /** Byte p of {@code prefix ‖ decimal(index)}, unsigned. */
   private static int labelByte(byte[] prefix, int index, int digits, int p) {
      if (p < prefix.length) {
         return prefix[p] & 0xFF;
      }
      return '0' + index / POWERS_OF_TEN[digits - 1 - (p - prefix.length)] % 10;
   }

   private static long le64(byte[] prefix, int index, int digits, int p) {
      if (p + 8 <= prefix.length) {
         return le64(prefix, p);
      }
      long lane = 0;
      for (int k = 7; k >= 0; k--) {
         lane = lane << 8 | labelByte(prefix, index, digits, p + k);
      }
      return lane;
   }

   private static long le32(byte[] prefix, int index, int digits, int p) {
      long lane = 0;
      for (int k = 3; k >= 0; k--) {
         lane = lane << 8 | labelByte(prefix, index, digits, p + k);
      }
      return lane;
   }

   private static long round(long acc, long lane) {
      return Long.rotateLeft(acc + lane * P2, 31) * P1;
   }

   private static long converge(long v1, long v2, long v3, long v4) {
      long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
      h = (h ^ round(0, v1)) * P1 + P4;
      h = (h ^ round(0, v2)) * P1 + P4;
      h = (h ^ round(0, v3)) * P1 + P4;
      return (h ^ round(0, v4)) * P1 + P4;
   }

   private static long mix8(long h, long lane) {
      return Long.rotateLeft(h ^ round(0, lane), 27) * P1 + P4;
   }

   private static long mix4(long h, long unsignedInt) {
      return Long.rotateLeft(h ^ (unsignedInt * P1), 23) * P2 + P3;
   }

   private static long mix1(long h, int unsignedByte) {
      return Long.rotateLeft(h ^ (unsignedByte * P5), 11) * P1;
   }

   private static long avalanche(long h) {
      h ^= h >>> 33;
      h *= P2;
      h ^= h >>> 29;
      h *= P3;
      return h ^ (h >>> 32);
   }

   private static long le64(byte[] b, int p) {
      return (long) LONG_LE.get(b, p);
   }

   private static long le32(byte[] b, int p) {
      return (int) INT_LE.get(b, p) & 0xFFFF_FFFFL;
   }

   // ASCII chars are their own UTF-8 bytes, so these mirror le64/le32 without encoding
   private static long le64(String s, int p) {
      return (long) s.charAt(p) | (long) s.charAt(p + 1) << 8 | (long) s.charAt(p + 2) << 16 | (long) s.charAt(p + 3) << 24
            | (long) s.charAt(p + 4) << 32 | (long) s.charAt(p + 5) << 40 | (long) s.charAt(p + 6) << 48 | (long) s.charAt(p + 7) << 56;
   }

   private static long le32(String s, int p) {
      return (long) s.charAt(p) | (long) s.charAt(p + 1) << 8 | (long) s.charAt(p + 2) << 16 | (long) s.charAt(p + 3) << 24;
   }
}
