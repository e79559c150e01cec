package dev.shardline.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ShardKeysTest {

   private static final HexFormat HEX = HexFormat.of();

   @Test
   void integralKeysAreEightBigEndianBytesOfTheLongValue() {
      assertThat(HEX.formatHex(ShardKeys.toBytes(42L))).isEqualTo("000000000000002a");
      assertThat(HEX.formatHex(ShardKeys.toBytes(-1))).isEqualTo("ffffffffffffffff");
      assertThat(HEX.formatHex(ShardKeys.toBytes((short) -2))).isEqualTo("fffffffffffffffe");
      assertThat(HEX.formatHex(ShardKeys.toBytes((byte) 7))).isEqualTo("0000000000000007");
      assertThat(HEX.formatHex(ShardKeys.toBytes(BigInteger.valueOf(Long.MIN_VALUE)))).isEqualTo("8000000000000000");
   }

   @Test
   void otherEncodings() {
      assertThat(HEX.formatHex(ShardKeys.toBytes("42"))).isEqualTo("3432");
      assertThat(HEX.formatHex(ShardKeys.toBytes("東京"))).isEqualTo("e69db1e4baac");
      assertThat(HEX.formatHex(ShardKeys.toBytes(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))))
            .isEqualTo("123e4567e89b12d3a456426614174000");
      final byte[] raw = {(byte) 0xCA, (byte) 0xFE};
      assertThat(ShardKeys.toBytes(raw)).containsExactly(raw).isNotSameAs(raw);
   }

   @Test
   void workedExampleHashesFromHashMd() {
      assertThat(ShardKeys.hash(42L)).isEqualTo(0xa2c396223f8bdbdfL);
      assertThat(ShardKeys.hash(-1L)).isEqualTo(0x85d136adb773c6c9L);
      assertThat(ShardKeys.hash(0L)).isEqualTo(0x34c96acdcadb1bbbL);
      assertThat(ShardKeys.hash("user-1001")).isEqualTo(0x729ee4bd888d3877L);
      assertThat(ShardKeys.hash("42")).isEqualTo(0x6de6f5d076d742b9L);
      assertThat(ShardKeys.hash(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))).isEqualTo(0x48fba9d1f5d72644L);
      assertThat(ShardKeys.hash("東京")).isEqualTo(0x954cd0c831e41454L);
      assertThat(ShardKeys.hash(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE})).isEqualTo(0x28140923537eaba8L);
   }

   @Test
   void fortyTwoIsOneKeyWhateverItsIntegralType() {
      final long expected = ShardKeys.hash(42L);
      assertThat(ShardKeys.hash(42)).isEqualTo(expected);
      assertThat(ShardKeys.hash((Object) 42)).isEqualTo(expected);
      assertThat(ShardKeys.hash((Object) 42L)).isEqualTo(expected);
      assertThat(ShardKeys.hash((Object) (short) 42)).isEqualTo(expected);
      assertThat(ShardKeys.hash((Object) (byte) 42)).isEqualTo(expected);
      assertThat(ShardKeys.hash(BigInteger.valueOf(42))).isEqualTo(expected);
      assertThat(ShardKeys.hash("42")).isNotEqualTo(expected);
   }

   @Property
   void integralTypesAgree(@ForAll int value) {
      final long expected = ShardKeys.hash((long) value);
      assertThat(ShardKeys.hash((Object) value)).isEqualTo(expected);
      assertThat(ShardKeys.hash(BigInteger.valueOf(value))).isEqualTo(expected);
      assertThat(ShardKeys.hash((Object) (short) value)).isEqualTo(ShardKeys.hash((long) (short) value));
      assertThat(ShardKeys.hash((Object) (byte) value)).isEqualTo(ShardKeys.hash((long) (byte) value));
   }

   @Property
   void numberAndItsDecimalStringAreDifferentKeys(@ForAll long value) {
      assertThat(ShardKeys.hash(String.valueOf(value))).isNotEqualTo(ShardKeys.hash(value));
   }

   @Property
   void hashIsXxHash64OfTheCanonicalBytes(@ForAll long l, @ForAll String s, @ForAll long msb, @ForAll long lsb,
         @ForAll @Size(max = 64) byte[] bytes) {
      for (Object key : new Object[] {l, (int) l, BigInteger.valueOf(l), s, new UUID(msb, lsb), bytes}) {
         assertThat(ShardKeys.hash(key)).as("%s", key).isEqualTo(XxHash64.hash(ShardKeys.toBytes(key)));
      }
      assertThat(ShardKeys.toBytes(new UUID(msb, lsb))).isEqualTo(ByteBuffer.allocate(16).putLong(msb).putLong(lsb).array());
      assertThat(ShardKeys.toBytes(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
   }

   @Test
   void bigIntegerOutsideLongRangeIsRejectedNamingTheKey() {
      final BigInteger tooBig = BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE);
      final BigInteger tooSmall = BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE);
      assertThatThrownBy(() -> ShardKeys.hash(tooBig)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("9223372036854775808").hasMessageContaining("long range");
      assertThatThrownBy(() -> ShardKeys.toBytes(tooSmall)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("-9223372036854775809");
      assertThat(ShardKeys.hash(BigInteger.valueOf(Long.MAX_VALUE))).isEqualTo(ShardKeys.hash(Long.MAX_VALUE));
   }

   @Test
   void unsupportedTypesNameTheSupportedOnesAndTheConverterEscapeHatch() {
      assertThatThrownBy(() -> ShardKeys.hash(Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("java.time.Instant")
            .hasMessageContaining("Long, Integer, Short, Byte, BigInteger")
            .hasMessageContaining("String, UUID or byte[]")
            .hasMessageContaining("key converter");
      assertThatThrownBy(() -> ShardKeys.toBytes(1.5d)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("java.lang.Double");
      assertThatThrownBy(() -> ShardKeys.hash(null)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("null");
   }
}
