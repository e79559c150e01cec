package dev.shardline.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Codec for the read-your-writes cookie: the last write position per shard, signed with
 * HMAC-SHA256 and stamped with its issue time. The value is base64url without padding, so
 * it is a valid RFC 6265 cookie value.
 * <p>
 * Payload: version byte, issued-at epoch seconds (varint), then per shard the name
 * (varint length + UTF-8) and the position as a kind byte plus a compact body: decimal
 * numbers as one varint, MariaDB GTID lists and MySQL GTID sets as varints (UUIDs as 16
 * bytes), anything else as UTF-8 text. A 16-byte truncated tag follows the payload.
 * <p>
 * Instances are thread-safe.
 */
public final class ConsistencyToken {

	private static final String SECRET_PROPERTY_MESSAGE = "Set shardline.web.consistency-cookie-secret"
			+ " to a secret of at least 16 characters";

	private static final int MIN_SECRET_LENGTH = 16;

	private static final String ALGORITHM = "HmacSHA256";

	private static final int VERSION = 1;

	/** 128 bits of HMAC-SHA256 are far beyond online forgery, at half the cookie bytes. */
	private static final int TAG_LENGTH = 16;

	/** Tolerates clock skew between the application instances that issue and read tokens. */
	private static final long FUTURE_TOLERANCE_SECONDS = 60;

	private static final String UUID_INTERVALS = "\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}"
			+ "(:\\d+(-\\d+)?)+";

	private static final String GTID_SET = UUID_INTERVALS + "(," + UUID_INTERVALS + ")*";

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private final SecretKeySpec key;

	private final Clock clock;

	private final long maxAgeSeconds;

	/**
	 * Create a codec.
	 * @param secret the HMAC key, at least 16 bytes
	 * @param clock the clock for issue times and expiry
	 * @param maxAge how long a token is accepted after it was issued (second precision)
	 */
	public ConsistencyToken(byte[] secret, Clock clock, Duration maxAge) {
		if (secret == null || secret.length < MIN_SECRET_LENGTH) {
			throw new IllegalArgumentException("The consistency cookie secret is shorter than 16 bytes. "
					+ SECRET_PROPERTY_MESSAGE);
		}
		Objects.requireNonNull(clock, "clock must not be null");
		Objects.requireNonNull(maxAge, "maxAge must not be null");
		if (maxAge.toSeconds() < 1) {
			throw new IllegalArgumentException("maxAge must be at least one second, was " + maxAge);
		}
		this.key = new SecretKeySpec(secret, ALGORITHM);
		this.clock = clock;
		this.maxAgeSeconds = maxAge.toSeconds();
	}

	/**
	 * Return the UTF-8 bytes of a configured secret.
	 * @param configured the value of {@code shardline.web.consistency-cookie-secret}
	 * @return the secret bytes
	 * @throws IllegalArgumentException if the secret is missing or shorter than 16 bytes
	 */
	public static byte[] secretFrom(String configured) {
		byte[] secret = (configured != null) ? configured.getBytes(StandardCharsets.UTF_8) : new byte[0];
		if (secret.length < MIN_SECRET_LENGTH) {
			throw new IllegalArgumentException((configured == null || configured.isEmpty())
					? "No consistency cookie secret is configured. " + SECRET_PROPERTY_MESSAGE
					: "The consistency cookie secret is shorter than 16 bytes. " + SECRET_PROPERTY_MESSAGE);
		}
		return secret;
	}

	/**
	 * Encode positions into a signed cookie value issued now.
	 * @param positions shard name to write position, in the order to keep
	 * @return the cookie value (base64url characters only)
	 * @throws IllegalArgumentException if a name or position is not valid Unicode (a lone
	 * surrogate), which UTF-8 could not carry unchanged
	 */
	public String encode(Map<String, String> positions) {
		Writer out = new Writer();
		out.write(VERSION);
		out.writeVarLong(this.clock.instant().getEpochSecond());
		positions.forEach((shard, position) -> {
			out.writeString(Objects.requireNonNull(shard, "shard name must not be null"));
			writePosition(out, Objects.requireNonNull(position, () -> "position of " + shard + " must not be null"));
		});
		byte[] payload = out.toByteArray();
		byte[] token = Arrays.copyOf(payload, payload.length + TAG_LENGTH);
		System.arraycopy(tag(payload, payload.length), 0, token, payload.length, TAG_LENGTH);
		return ENCODER.encodeToString(token);
	}

	/**
	 * Decode a cookie value.
	 * @param value the cookie value, may be {@code null}
	 * @return the positions in encoded order, or an empty map if the value is missing,
	 * malformed, tampered with, signed with another secret, of an unknown version, expired
	 * or issued in the future
	 */
	public Map<String, String> decode(String value) {
		if (value == null || value.isBlank()) {
			return Map.of();
		}
		try {
			byte[] token = DECODER.decode(value);
			// The decoder ignores unused trailing bits and accepts padding: without this check,
			// a few edited characters would decode to the same, validly signed bytes
			if (token.length <= TAG_LENGTH || !ENCODER.encodeToString(token).equals(value)) {
				return Map.of();
			}
			int payloadLength = token.length - TAG_LENGTH;
			if (!MessageDigest.isEqual(tag(token, payloadLength), Arrays.copyOfRange(token, payloadLength, token.length))) {
				return Map.of();
			}
			// Authenticated from here on: parse failures can only be bugs or a future format
			Reader in = new Reader(token, payloadLength);
			if (in.read() != VERSION) {
				return Map.of();
			}
			long issuedAt = in.readVarLong();
			long age = this.clock.instant().getEpochSecond() - issuedAt;
			if (issuedAt < 0 || age > this.maxAgeSeconds || age < -FUTURE_TOLERANCE_SECONDS) {
				return Map.of();
			}
			Map<String, String> positions = new LinkedHashMap<>();
			while (in.hasRemaining()) {
				if (positions.put(in.readString(), readPosition(in)) != null) {
					return Map.of();
				}
			}
			return Collections.unmodifiableMap(positions);
		}
		catch (IllegalArgumentException ex) {
			return Map.of();
		}
	}

	private byte[] tag(byte[] data, int length) {
		// Mac instances are stateful and not thread-safe. A new one per call costs a few
		// microseconds and, unlike a ThreadLocal, pins nothing to (virtual) threads.
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			mac.update(data, 0, length);
			return Arrays.copyOf(mac.doFinal(), TAG_LENGTH);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is required of every Java platform", ex);
		}
	}

	private static void writePosition(Writer out, String position) {
		for (Kind kind : Kind.COMPACT) {
			byte[] compact = kind.encodeExactly(position);
			if (compact != null) {
				out.writeBytes(compact);
				return;
			}
		}
		out.write(Kind.TEXT.id);
		out.writeString(position);
	}

	private static String readPosition(Reader in) {
		int id = in.read();
		for (Kind kind : Kind.values()) {
			if (kind.id == id) {
				return kind.read(in);
			}
		}
		throw new IllegalArgumentException("Unknown position kind " + id);
	}

	/**
	 * How a position is written. Ids are part of the format: never renumber them.
	 */
	private enum Kind {

		TEXT(0, null) {

			@Override
			void write(String position, Writer out) {
				out.writeString(position);
			}

			@Override
			String read(Reader in) {
				return in.readString();
			}

		},

		/** Microsecond timestamps and other counters: about 8 bytes instead of 16 digits. */
		NUMBER(1, "\\d{1,20}") {

			@Override
			void write(String position, Writer out) {
				out.writeVarLong(Long.parseUnsignedLong(position));
			}

			@Override
			String read(Reader in) {
				return Long.toUnsignedString(in.readVarLong());
			}

		},

		/** {@code domain-server-sequence[,...]}, as in MariaDB's {@code gtid_binlog_pos}. */
		MARIADB_GTIDS(2, "\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*") {

			@Override
			void write(String position, Writer out) {
				String[] gtids = position.split(",", -1);
				out.writeVarLong(gtids.length);
				for (String gtid : gtids) {
					for (String part : gtid.split("-", -1)) {
						out.writeVarLong(Long.parseUnsignedLong(part));
					}
				}
			}

			@Override
			String read(Reader in) {
				StringJoiner gtids = new StringJoiner(",");
				for (int i = in.readLength(); i > 0; i--) {
					gtids.add(in.readUnsigned() + "-" + in.readUnsigned() + "-" + in.readUnsigned());
				}
				return gtids.toString();
			}

		},

		/** {@code uuid:interval[:...][,...]}, as in MySQL's {@code gtid_executed}. */
		MYSQL_GTIDS(3, GTID_SET) {

			@Override
			void write(String position, Writer out) {
				writeGtidSet(position, out);
			}

			@Override
			String read(Reader in) {
				return readGtidSet(in, false);
			}

		},

		/** A MySQL GTID set with upper-case UUIDs, kept apart so it still renders exactly. */
		MYSQL_GTIDS_UPPER_CASE(4, GTID_SET) {

			@Override
			void write(String position, Writer out) {
				writeGtidSet(position, out);
			}

			@Override
			String read(Reader in) {
				return readGtidSet(in, true);
			}

		};

		static final Kind[] COMPACT = { NUMBER, MARIADB_GTIDS, MYSQL_GTIDS, MYSQL_GTIDS_UPPER_CASE };

		final int id;

		private final Pattern pattern;

		Kind(int id, String pattern) {
			this.id = id;
			this.pattern = (pattern != null) ? Pattern.compile(pattern) : null;
		}

		abstract void write(String position, Writer out);

		abstract String read(Reader in);

		/**
		 * Return this kind's encoding of the position, or {@code null} if it would not
		 * render back to exactly the same text (think "007", "5-5" or mixed-case UUIDs):
		 * positions must round-trip unchanged, so those stay text.
		 */
		byte[] encodeExactly(String position) {
			if (!this.pattern.matcher(position).matches()) {
				return null;
			}
			try {
				Writer out = new Writer();
				out.write(this.id);
				write(position, out);
				byte[] encoded = out.toByteArray();
				return position.equals(readPosition(new Reader(encoded, encoded.length))) ? encoded : null;
			}
			catch (IllegalArgumentException ex) {
				// A number beyond 64 bits
				return null;
			}
		}

		private static void writeGtidSet(String position, Writer out) {
			String[] uuidSets = position.split(",", -1);
			out.writeVarLong(uuidSets.length);
			for (String uuidSet : uuidSets) {
				String[] parts = uuidSet.split(":", -1);
				UUID uuid = UUID.fromString(parts[0]);
				out.writeLong(uuid.getMostSignificantBits());
				out.writeLong(uuid.getLeastSignificantBits());
				out.writeVarLong(parts.length - 1);
				for (int i = 1; i < parts.length; i++) {
					int dash = parts[i].indexOf('-');
					long start = Long.parseUnsignedLong((dash < 0) ? parts[i] : parts[i].substring(0, dash));
					long end = (dash < 0) ? start : Long.parseUnsignedLong(parts[i].substring(dash + 1));
					// Intervals as start and length: "1-1234567" takes 4 bytes, a single "n" has length 0
					out.writeVarLong(start);
					out.writeVarLong(end - start);
				}
			}
		}

		private static String readGtidSet(Reader in, boolean upperCase) {
			StringJoiner uuidSets = new StringJoiner(",");
			for (int i = in.readLength(); i > 0; i--) {
				String uuid = new UUID(in.readLong(), in.readLong()).toString();
				StringBuilder uuidSet = new StringBuilder(upperCase ? uuid.toUpperCase(Locale.ROOT) : uuid);
				for (int j = in.readLength(); j > 0; j--) {
					long start = in.readVarLong();
					long length = in.readVarLong();
					uuidSet.append(':').append(Long.toUnsignedString(start));
					if (length != 0) {
						uuidSet.append('-').append(Long.toUnsignedString(start + length));
					}
				}
				uuidSets.add(uuidSet);
			}
			return uuidSets.toString();
		}

	}

	/**
	 * Payload builder.
	 */
	private static final class Writer extends ByteArrayOutputStream {

		void writeVarLong(long value) {
			// Unsigned LEB128: seven bits per byte, least significant group first
			while ((value & ~0x7FL) != 0) {
				write((int) (value & 0x7F) | 0x80);
				value >>>= 7;
			}
			write((int) value);
		}

		void writeLong(long value) {
			for (int shift = 56; shift >= 0; shift -= 8) {
				write((int) (value >>> shift));
			}
		}

		void writeString(String value) {
			ByteBuffer utf8;
			try {
				// Strict, unlike String.getBytes, which would turn a lone surrogate into '?'
				utf8 = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(value));
			}
			catch (CharacterCodingException ex) {
				throw new IllegalArgumentException("Not valid Unicode: '" + value + "'", ex);
			}
			writeVarLong(utf8.remaining());
			write(utf8.array(), utf8.arrayOffset() + utf8.position(), utf8.remaining());
		}

	}

	/**
	 * Payload parser; throws {@link IllegalArgumentException} on malformed input.
	 */
	private static final class Reader {

		private final byte[] data;

		private final int limit;

		private int position;

		Reader(byte[] data, int limit) {
			this.data = data;
			this.limit = limit;
		}

		boolean hasRemaining() {
			return this.position < this.limit;
		}

		int read() {
			if (!hasRemaining()) {
				throw new IllegalArgumentException("Truncated token");
			}
			return this.data[this.position++] & 0xFF;
		}

		long readVarLong() {
			long value = 0;
			for (int shift = 0; shift < 64; shift += 7) {
				int b = read();
				if (shift == 63 && b > 1) {
					throw new IllegalArgumentException("Varint overflows 64 bits");
				}
				value |= (long) (b & 0x7F) << shift;
				if (b < 0x80) {
					return value;
				}
			}
			throw new IllegalArgumentException("Varint overflows 64 bits");
		}

		String readUnsigned() {
			return Long.toUnsignedString(readVarLong());
		}

		/** A length or count: every element takes at least a byte, so it cannot exceed what is left. */
		int readLength() {
			long length = readVarLong();
			if (length < 0 || length > this.limit - this.position) {
				throw new IllegalArgumentException("Length " + length + " exceeds the token");
			}
			return (int) length;
		}

		long readLong() {
			long value = 0;
			for (int i = 0; i < 8; i++) {
				value = (value << 8) | read();
			}
			return value;
		}

		String readString() {
			int length = readLength();
			try {
				String value = StandardCharsets.UTF_8.newDecoder()
					.decode(ByteBuffer.wrap(this.data, this.position, length))
					.toString();
				this.position += length;
				return value;
			}
			catch (CharacterCodingException ex) {
				throw new IllegalArgumentException("Not UTF-8", ex);
			}
		}

	}

}
