package dev.shardline.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * XXH64 against published vectors (xxHash and python-xxhash) and against vectors computed by the independent
 * python implementation in tools/ring/ring_reference.py (which itself reproduces the published ones).
 */
class XxHash64Test {

   private static final String FOX = "The quick brown fox jumps over the lazy dog, then naps in the sun until dusk..";

   @ParameterizedTest(name = "XXH64(\"{0}\") = {1}")
   @CsvSource(delimiter = '|', value = {
         "''                                      | ef46db3751d8e999",   // published
         "a                                       | d24ec4f1a98c6e5b",   // published
         "abc                                     | 44bc2cf5ad770999",   // published
         "xxhash                                  | 32dd38952c4bc720",   // python-xxhash README
         "Nobody inspects the spammish repetition | fbcea83c8a378bf1",   // published, 39 bytes (one stripe)
   })
   void publishedVectors(String text, String hex) {
      final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      assertThat(XxHash64.hash(bytes)).isEqualTo(Long.parseUnsignedLong(hex, 16));
      assertThat(XxHash64.hashUtf8(text)).isEqualTo(Long.parseUnsignedLong(hex, 16));
   }

   @Test
   void publishedSeededVector() {
      final byte[] bytes = "xxhash".getBytes(StandardCharsets.US_ASCII);
      assertThat(XxHash64.hash(bytes, 0, bytes.length, 20141025L)).isEqualTo(0xb559b98d844e0635L);
   }

   /** Lengths around the 32-byte stripe boundary and several stripes; values from ring_reference.py. */
   @ParameterizedTest(name = "length {0}")
   @CsvSource({
         "31,  3f8d95ab32c127d9",
         "32,  e2bbc9136629a4ee",
         "33,  6d92fe2ebab7db31",
         "64,  7c24f011a693c28a",
         "100, c13433650c3b3efb",
   })
   void stripeBoundaries(int length, String hex) {
      final String text = (FOX + FOX).substring(0, length);
      assertThat(XxHash64.hash(text.getBytes(StandardCharsets.US_ASCII))).isEqualTo(Long.parseUnsignedLong(hex, 16));
      assertThat(XxHash64.hashUtf8(text)).isEqualTo(Long.parseUnsignedLong(hex, 16));
   }

   @Test
   void binaryPatternWithAndWithoutSeed() {
      final byte[] pattern = new byte[200];
      for (int i = 0; i < pattern.length; i++) {
         pattern[i] = (byte) (i * 31 + 7);
      }
      assertThat(XxHash64.hash(pattern)).isEqualTo(0x95d9a0c977b4b6fbL);
      assertThat(XxHash64.hash(pattern, 0, 200, 0x9E3779B97F4A7C15L)).isEqualTo(0x1ea63f1abd71fb0bL);
      assertThat(XxHash64.hash(pattern, 0, 7, 12345L)).isEqualTo(0xd06aa9dbe7add6d1L);
   }

   @Test
   void offsetAndLengthHashOnlyTheSlice() {
      final byte[] padded = ("xx" + "Nobody inspects the spammish repetition" + "yy").getBytes(StandardCharsets.US_ASCII);
      assertThat(XxHash64.hash(padded, 2, padded.length - 4)).isEqualTo(0xfbcea83c8a378bf1L);
      assertThat(XxHash64.hash(padded, 2, 0)).isEqualTo(0xef46db3751d8e999L);
   }

   @Test
   void rejectsSlicesOutsideTheArray() {
      final byte[] bytes = new byte[8];
      assertThatThrownBy(() -> XxHash64.hash(bytes, 4, 5)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> XxHash64.hash(bytes, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> XxHash64.hash(bytes, 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> XxHash64.hash(bytes, Integer.MAX_VALUE, 2)).isInstanceOf(IndexOutOfBoundsException.class);
   }

   @Property
   void hashLongEqualsHashOfBigEndianBytes(@ForAll long value, @ForAll long seed) {
      final byte[] bytes = ByteBuffer.allocate(8).putLong(value).array();
      assertThat(XxHash64.hashLong(value, seed)).isEqualTo(XxHash64.hash(bytes, 0, 8, seed));
      assertThat(XxHash64.hashLong(value)).isEqualTo(XxHash64.hash(bytes));
   }

   @Property
   void hashLongsEqualsHashOfSixteenBigEndianBytes(@ForAll long first, @ForAll long second) {
      final byte[] bytes = ByteBuffer.allocate(16).putLong(first).putLong(second).array();
      assertThat(XxHash64.hashLongs(first, second)).isEqualTo(XxHash64.hash(bytes));
   }

   @Property
   void asciiFastPathEqualsEncodedBytes(@ForAll @CharRange(from = 0, to = 0x7F) @StringLength(max = 140) String s) {
      assertThat(XxHash64.hashUtf8(s)).isEqualTo(XxHash64.hash(s.getBytes(StandardCharsets.UTF_8)));
   }

   @Property
   void anyStringHashesItsUtf8Bytes(@ForAll @StringLength(max = 80) String s) {
      assertThat(XxHash64.hashUtf8(s)).isEqualTo(XxHash64.hash(s.getBytes(StandardCharsets.UTF_8)));
   }

   @Property
   void sliceEqualsCopy(@ForAll @Size(max = 150) byte[] bytes, @ForAll long seed) {
      final int from = bytes.length / 3;
      final int to = bytes.length - bytes.length / 4;
      assertThat(XxHash64.hash(bytes, from, to - from, seed)).isEqualTo(XxHash64.hash(Arrays.copyOfRange(bytes, from, to), 0, to - from, seed));
   }

   @Property
   void ringLabelHashEqualsHashOfTheLabelsBytes(@ForAll @StringLength(max = 70) String name,
         @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = Integer.MAX_VALUE) int index) {
      final byte[] prefix = (name + "#").getBytes(StandardCharsets.UTF_8);
      for (int i : new int[] { index, index % 10, index % 1000, index % 100_000 }) {
         assertThat(XxHash64.hashLabel(prefix, i)).as("%s#%d", name, i)
               .isEqualTo(XxHash64.hash((name + "#" + i).getBytes(StandardCharsets.UTF_8)));
      }
   }
}
