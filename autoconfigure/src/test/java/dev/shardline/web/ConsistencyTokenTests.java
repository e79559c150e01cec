package dev.shardline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link ConsistencyToken}.
 */
class ConsistencyTokenTests {

	private static final byte[] SECRET = "0123456789abcdef-test-secret".getBytes(StandardCharsets.UTF_8);

	private static final Instant NOW = Instant.parse("2025-11-26T09:12:34Z");

	private static final Duration MAX_AGE = Duration.ofMinutes(5);

	private static final String COOKIE_OCTETS = "[A-Za-z0-9_-]+";

	private final ConsistencyToken codec = at(NOW);

	@Test
	void roundTripsEachKindOfPosition() {
		Map<String, String> positions = new LinkedHashMap<>();
		positions.put("micros", "1732612345123456");
		positions.put("mariadb", "0-1-42,1-3-7");
		positions.put("mysql", "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5");
		positions.put("mysql-lower", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7:9-12,"
				+ "4d11fa47-71ca-11e1-9e33-c80aa9429562:1");
		positions.put("東京", "0-1-18446744073709551615");
		positions.put("not canonical", "007");
		positions.put("single interval written twice", "3E11FA47-71CA-11E1-9E33-C80AA9429562:5-5");
		positions.put("mixed case", "3E11FA47-71ca-11E1-9E33-C80AA9429562:1-5");
		positions.put("multi-line", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n4d11fa47-71ca-11e1-9e33-c80aa9429562:1");
		positions.put("too big", "18446744073709551616");
		positions.put("empty", "");
		String token = this.codec.encode(positions);
		assertThat(token).matches(COOKIE_OCTETS);
		assertThat(this.codec.decode(token)).containsExactlyEntriesOf(positions);
	}

	@Test
	void roundTripsNoPositions() {
		assertThat(this.codec.decode(this.codec.encode(Map.of()))).isEmpty();
	}

	@Test
	void tokensAreSmall() {
		String mariaDb = this.codec.encode(ordered("shard-0", "0-101-1234567", "shard-1", "0-102-987654,1-103-42"));
		String micros = this.codec.encode(ordered("shard-0", "1732612345123456", "shard-1", "1732612345987654"));
		Map<String, String> sixtyFour = new LinkedHashMap<>();
		for (int i = 0; i < 64; i++) {
			sixtyFour.put("shard-" + i, UUID.nameUUIDFromBytes(new byte[] { (byte) i }) + ":1-123456789");
		}
		String mysql64 = this.codec.encode(sixtyFour);
		sixtyFour.replaceAll((shard, position) -> "0-" + shard.substring(6) + "-123456789");
		String mariaDb64 = this.codec.encode(sixtyFour);
		System.out.printf("Token lengths: 2 shards MariaDB GTIDs %d, 2 shards micros %d, 64 shards MySQL GTID sets %d,"
				+ " 64 shards MariaDB GTIDs %d%n", mariaDb.length(), micros.length(), mysql64.length(), mariaDb64.length());
		assertThat(mariaDb).hasSizeLessThan(100);
		assertThat(micros).hasSizeLessThan(100);
		assertThat(mysql64.getBytes(StandardCharsets.US_ASCII)).hasSizeLessThan(4096);
		assertThat(mariaDb64).hasSizeLessThan(mysql64.length());
	}

	@Test
	void compactKindsAreSmallerThanText() {
		for (String position : List.of("1732612345123456", "0-101-1234567,1-103-42",
				"3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5")) {
			// Same length, but no compact kind accepts a leading 'x'
			String asText = "x" + position.substring(1);
			assertThat(this.codec.encode(Map.of("s0", position))).as(position)
				.hasSizeLessThan(this.codec.encode(Map.of("s0", asText)).length());
		}
	}

	@Test
	void rejectsMissingAndMalformedValues() {
		String token = this.codec.encode(Map.of("s0", "0-1-42"));
		assertThat(this.codec.decode(null)).isEmpty();
		assertThat(this.codec.decode("")).isEmpty();
		assertThat(this.codec.decode("  ")).isEmpty();
		assertThat(this.codec.decode("not a token")).isEmpty();
		assertThat(this.codec.decode("AAAA")).isEmpty();
		assertThat(this.codec.decode(token + "==")).isEmpty();
		assertThat(this.codec.decode(token.substring(1))).isEmpty();
		assertThat(this.codec.decode(token.substring(0, token.length() - 1))).isEmpty();
		assertThat(this.codec.decode(token + "A")).isEmpty();
		assertThat(this.codec.decode(token)).containsExactly(Map.entry("s0", "0-1-42"));
	}

	@Test
	void rejectsOtherBase64SpellingsOfAValidToken() {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		// One and two trailing bytes leave four and two unused bits in the last character
		for (String shard : List.of("s", "s01")) {
			String token = this.codec.encode(Map.of(shard, "42"));
			int trailingBytes = Base64.getUrlDecoder().decode(token).length % 3;
			assertThat(trailingBytes).isNotZero();
			char last = token.charAt(token.length() - 1);
			String unusedBitSet = token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
			assertThat(Base64.getUrlDecoder().decode(unusedBitSet)).isEqualTo(Base64.getUrlDecoder().decode(token));
			assertThat(this.codec.decode(unusedBitSet)).isEmpty();
			assertThat(this.codec.decode(token + "=".repeat(3 - trailingBytes))).isEmpty();
			assertThat(this.codec.decode(token)).containsEntry(shard, "42");
		}
	}

	@Test
	void rejectsTokensSignedWithAnotherSecret() {
		ConsistencyToken other = new ConsistencyToken("another-secret-of-enough-length".getBytes(StandardCharsets.UTF_8),
				fixed(NOW), MAX_AGE);
		assertThat(this.codec.decode(other.encode(Map.of("s0", "42")))).isEmpty();
	}

	@Test
	void rejectsUnknownVersionsEvenIfSigned() throws Exception {
		long now = NOW.getEpochSecond();
		// The test's own signing must be right, or the version assertion would prove nothing
		assertThat(this.codec.decode(signed(1, now, "s0", "t"))).containsExactly(Map.entry("s0", "t"));
		assertThat(this.codec.decode(signed(2, now, "s0", "t"))).isEmpty();
		assertThat(this.codec.decode(signed(0, now, "s0", "t"))).isEmpty();
	}

	@Test
	void rejectsTrailingGarbageAndDuplicateShardsEvenIfSigned() throws Exception {
		long now = NOW.getEpochSecond();
		assertThat(this.codec.decode(signed(1, now, "s0", "t", "s0", "u"))).isEmpty();
		assertThat(this.codec.decode(signed(1, now, "s0"))).isEmpty();
	}

	@Test
	void acceptsTokensUpToMaxAge() {
		String token = this.codec.encode(Map.of("s0", "42"));
		assertThat(at(NOW.plus(MAX_AGE)).decode(token)).containsEntry("s0", "42");
		assertThat(at(NOW.plus(MAX_AGE).plusSeconds(1)).decode(token)).isEmpty();
	}

	@Test
	void toleratesAMinuteOfClockSkew() {
		assertThat(this.codec.decode(at(NOW.plusSeconds(60)).encode(Map.of("s0", "42")))).containsEntry("s0", "42");
		assertThat(this.codec.decode(at(NOW.plusSeconds(61)).encode(Map.of("s0", "42")))).isEmpty();
	}

	@Test
	void rejectsShortSecrets() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ConsistencyToken(new byte[15], fixed(NOW), MAX_AGE))
			.withMessageContaining("shardline.web.consistency-cookie-secret")
			.withMessageContaining("at least 16 characters");
		assertThatIllegalArgumentException().isThrownBy(() -> new ConsistencyToken(null, fixed(NOW), MAX_AGE))
			.withMessageContaining("shardline.web.consistency-cookie-secret");
		for (String secret : new String[] { null, "", "fifteen-chars-x" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> ConsistencyToken.secretFrom(secret))
				.withMessageContaining("shardline.web.consistency-cookie-secret")
				.withMessageContaining("at least 16 characters");
		}
		assertThat(ConsistencyToken.secretFrom("sixteen-chars-xx")).isEqualTo("sixteen-chars-xx".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void rejectsTextThatUtf8CannotCarry() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(Map.of("s\uD800", "42")));
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(Map.of("s0", "x\uDC00")));
	}

	@Test
	void isThreadSafe() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			List<Future<Boolean>> results = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				results.add(executor.submit(() -> {
					for (int i = 0; i < 500; i++) {
						Map<String, String> positions = Map.of("s" + thread, "0-" + thread + "-" + i);
						if (!this.codec.decode(this.codec.encode(positions)).equals(positions)) {
							return false;
						}
					}
					return true;
				}));
			}
			for (Future<Boolean> result : results) {
				assertThat(result.get()).isTrue();
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Property
	void roundTrips(@ForAll("positions") Map<String, String> positions) {
		String token = this.codec.encode(positions);
		assertThat(token).matches(COOKIE_OCTETS);
		assertThat(this.codec.decode(token)).isEqualTo(positions);
	}

	@Property(tries = 100)
	void rejectsEveryFlippedBitOfTheSignedBytes(@ForAll("positions") Map<String, String> positions) {
		byte[] token = Base64.getUrlDecoder().decode(this.codec.encode(positions));
		for (int bit = 0; bit < token.length * 8; bit++) {
			byte[] flipped = token.clone();
			flipped[bit / 8] ^= (byte) (1 << (bit % 8));
			assertThat(this.codec.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(flipped))).isEmpty();
		}
	}

	@Property(tries = 100)
	void rejectsEveryFlippedBitOfTheCookieValue(@ForAll("positions") Map<String, String> positions) {
		String token = this.codec.encode(positions);
		for (int bit = 0; bit < token.length() * 16; bit++) {
			char[] flipped = token.toCharArray();
			flipped[bit / 16] ^= (char) (1 << (bit % 16));
			assertThat(this.codec.decode(new String(flipped))).isEmpty();
		}
	}

	@Property
	void rejectsAnyChangedCharacter(@ForAll("positions") Map<String, String> positions,
			@ForAll @IntRange(min = 0, max = 1 << 20) int where, @ForAll char replacement) {
		char[] value = this.codec.encode(positions).toCharArray();
		int index = where % value.length;
		Assume.that(value[index] != replacement);
		value[index] = replacement;
		assertThat(this.codec.decode(new String(value))).isEmpty();
	}

	@Provide
	Arbitrary<Map<String, String>> positions() {
		Arbitrary<String> position = Arbitraries.oneOf(micros(), mariaDbGtids(), mySqlGtidSets(), text());
		return Arbitraries.maps(shardNames(), position).ofMaxSize(8);
	}

	/** 1 to 64 Unicode characters (code points), surrogate pairs included. */
	private static Arbitrary<String> shardNames() {
		return Arbitraries.integers()
			.between(0, Character.MAX_CODE_POINT)
			.filter((codePoint) -> Character.getType(codePoint) != Character.SURROGATE)
			.list()
			.ofMinSize(1)
			.ofMaxSize(64)
			.map((codePoints) -> codePoints.stream()
				.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
				.toString());
	}

	private static Arbitrary<String> micros() {
		return Arbitraries.longs().greaterOrEqual(0).map(String::valueOf);
	}

	private static Arbitrary<String> mariaDbGtids() {
		Arbitrary<Long> uint32 = Arbitraries.longs().between(0, 0xFFFFFFFFL);
		Arbitrary<String> gtid = Combinators.combine(uint32, uint32, Arbitraries.longs())
			.as((domain, server, sequence) -> domain + "-" + server + "-" + Long.toUnsignedString(sequence));
		return gtid.list().ofMinSize(1).ofMaxSize(4).map((gtids) -> String.join(",", gtids));
	}

	private static Arbitrary<String> mySqlGtidSets() {
		Arbitrary<String> interval = Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE / 2),
				Arbitraries.longs().between(0, 1_000_000))
			.as((start, length) -> (length == 0) ? String.valueOf(start) : start + "-" + (start + length));
		Arbitrary<String> uuidSet = Combinators
			.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.of(false, true),
					interval.list().ofMinSize(1).ofMaxSize(3))
			.as((msb, lsb, upperCase, intervals) -> {
				String uuid = new UUID(msb, lsb).toString();
				return (upperCase ? uuid.toUpperCase(Locale.ROOT) : uuid) + ":" + String.join(":", intervals);
			});
		return uuidSet.list().ofMinSize(1).ofMaxSize(3).map((sets) -> String.join(",", sets));
	}

	private static Arbitrary<String> text() {
		return Arbitraries.strings().ofMaxLength(40).filter((text) -> text.chars().noneMatch((c) -> Character.isSurrogate((char) c)));
	}

	private static ConsistencyToken at(Instant now) {
		return new ConsistencyToken(SECRET, fixed(now), MAX_AGE);
	}

	private static Clock fixed(Instant now) {
		return Clock.fixed(now, ZoneOffset.UTC);
	}

	private static Map<String, String> ordered(String... namesAndPositions) {
		Map<String, String> positions = new LinkedHashMap<>();
		for (int i = 0; i < namesAndPositions.length; i += 2) {
			positions.put(namesAndPositions[i], namesAndPositions[i + 1]);
		}
		return positions;
	}

	/**
	 * A token built and signed independently of the codec: version, issued-at, then each
	 * name followed by a text position (kind 0).
	 */
	private static String signed(int version, long issuedAt, String... namesAndPositions) throws Exception {
		List<Byte> payload = new ArrayList<>();
		payload.add((byte) version);
		varint(payload, issuedAt);
		for (int i = 0; i < namesAndPositions.length; i++) {
			if (i % 2 == 1) {
				payload.add((byte) 0);
			}
			byte[] utf8 = namesAndPositions[i].getBytes(StandardCharsets.UTF_8);
			varint(payload, utf8.length);
			for (byte b : utf8) {
				payload.add(b);
			}
		}
		byte[] bytes = new byte[payload.size()];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = payload.get(i);
		}
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
		byte[] tag = mac.doFinal(bytes);
		byte[] token = new byte[bytes.length + 16];
		System.arraycopy(bytes, 0, token, 0, bytes.length);
		System.arraycopy(tag, 0, token, bytes.length, 16);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
	}

	private static void varint(List<Byte> out, long value) {
		while ((value & ~0x7FL) != 0) {
			out.add((byte) ((value & 0x7F) | 0x80));
			value >>>= 7;
		}
		out.add((byte) value);
	}

}
