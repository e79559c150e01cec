package dev.shardline.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.shardline.replication.GtidPosition.Flavor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GtidPositionTests {

	private static final String U1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final String U2 = "73f86016-978b-11ea-91e6-c84dc3e8a1b6";

	// ---- MariaDB ----

	@Test
	void mariaDbParsesAndPrintsCanonically() {
		GtidPosition position = GtidPosition.parseMariaDb(" 1-3-7 , 0-1-42 ");
		assertThat(position.flavor()).isEqualTo(Flavor.MARIADB);
		assertThat(position).hasToString("0-1-42,1-3-7");
		assertThat(GtidPosition.parseMariaDb(position.toString())).isEqualTo(position);
		assertThat(GtidPosition.parseMariaDb("")).hasToString("").satisfies((p) -> assertThat(p.isEmpty()).isTrue());
	}

	@Test
	void mariaDbCoversComparesSeqPerDomainIgnoringServerId() {
		GtidPosition replica = GtidPosition.parseMariaDb("0-1-42,1-3-7");
		assertThat(replica.covers(GtidPosition.parseMariaDb("0-1-42"))).isTrue();
		assertThat(replica.covers(GtidPosition.parseMariaDb("0-9-41,1-3-7"))).isTrue();
		assertThat(replica.covers(GtidPosition.parseMariaDb("0-1-43"))).isFalse();
		assertThat(replica.covers(GtidPosition.parseMariaDb("2-1-1"))).isFalse();
		assertThat(replica.covers(GtidPosition.parseMariaDb(""))).isTrue();
		assertThat(GtidPosition.parseMariaDb("").covers(replica)).isFalse();
		// after a failover the new primary's server id shows up; the seq still decides
		assertThat(GtidPosition.parseMariaDb("0-2-50").covers(GtidPosition.parseMariaDb("0-1-42"))).isTrue();
	}

	@Test
	void mariaDbSeqIsUnsigned64Bit() {
		GtidPosition max = GtidPosition.parseMariaDb("0-4294967295-18446744073709551615");
		assertThat(max).hasToString("0-4294967295-18446744073709551615");
		assertThat(max.covers(GtidPosition.parseMariaDb("0-1-9223372036854775808"))).isTrue();
		assertThat(GtidPosition.parseMariaDb("0-1-9223372036854775808").covers(max)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "0-1", "0-1-2-3", "a-b-c", "0-1-2,", ",0-1-2", "0-1-2,0-2-3", "4294967296-1-1",
			"0-1-18446744073709551616", "0-1--2", "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5" })
	void mariaDbRejectsMalformedTextNamingIt(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> GtidPosition.parseMariaDb(text))
			.withMessageContaining("MariaDB")
			.withMessageContaining("'" + text + "'");
	}

	// ---- MySQL ----

	@Test
	void mySqlMergesIntervalsAndNormalizesUuids() {
		GtidPosition set = GtidPosition.parseMySqlSet(
				U2 + ":3,\n  3E11FA47-71CA-11E1-9E33-C80AA9429562:7-9:1-5,\n" + U1.replace("-", "") + ":6:12");
		assertThat(set.flavor()).isEqualTo(Flavor.MYSQL);
		assertThat(set).hasToString(U1 + ":1-9:12," + U2 + ":3");
		assertThat(GtidPosition.parseMySqlSet(set.toString())).isEqualTo(set).hasSameHashCodeAs(set);
		assertThat(GtidPosition.parseMySqlSet(" \n")).hasToString("");
	}

	@Test
	void mySqlCoversIsSetInclusion() {
		GtidPosition executed = GtidPosition.parseMySqlSet(U1 + ":1-100:200-300," + U2 + ":1-5");
		assertThat(executed.covers(GtidPosition.parseMySqlSet(U1 + ":50-60:200:300"))).isTrue();
		assertThat(executed.covers(GtidPosition.parseMySqlSet(U1 + ":100-101"))).isFalse();
		assertThat(executed.covers(GtidPosition.parseMySqlSet(U1 + ":150"))).isFalse();
		assertThat(executed.covers(GtidPosition.parseMySqlSet(U2 + ":6"))).isFalse();
		assertThat(executed.covers(GtidPosition.parseMySqlSet("9c1a2b3d-0000-11ee-8000-0242ac120002:1"))).isFalse();
		assertThat(executed.covers(GtidPosition.parseMySqlSet(""))).isTrue();
		// adjacent intervals merge, so a range spanning them is covered
		assertThat(GtidPosition.parseMySqlSet(U1 + ":1-5:6-10").covers(GtidPosition.parseMySqlSet(U1 + ":3-8")))
			.isTrue();
	}

	@Test
	void mySqlHugeIntervalsAreNotExpanded() {
		GtidPosition huge = GtidPosition.parseMySqlSet(U1 + ":1-9223372036854775806");
		assertThat(huge.covers(GtidPosition.parseMySqlSet(U1 + ":5-1000000000000:9223372036854775806"))).isTrue();
		assertThat(GtidPosition.parseMySqlSet(U1 + ":2-9223372036854775807").covers(huge)).isFalse();
		assertThat(GtidPosition.parseMySqlSet(U1 + ":9223372036854775807:1-9223372036854775806"))
			.hasToString(U1 + ":1-9223372036854775807");
	}

	@Test
	void mySqlTaggedGtidsAreSeparateFromUntagged() {
		GtidPosition set = GtidPosition.parseMySqlSet(U1 + ":Batch_1:5-6:1-2," + U1 + ":1-3:batch_1:7");
		// a tag holds for every interval after it, so 1-2 is tagged too
		assertThat(set).hasToString(U1 + ":1-3:batch_1:1-2:5-7");
		assertThat(set.covers(GtidPosition.parseMySqlSet(U1 + ":BATCH_1:6"))).isTrue();
		assertThat(set.covers(GtidPosition.parseMySqlSet(U1 + ":5"))).isFalse();
		assertThat(set.covers(GtidPosition.parseMySqlSet(U1 + ":other:1"))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { U1, U1 + ":", U1 + ":0", U1 + ":0-3", U1 + ":5-3", U1 + ":1-x", U1 + ":1-2-3",
			U1 + "::1", U1 + ":tag", U1 + ":tag:other:1", U1 + ":1,", "3e11fa47:1-5", "not-a-uuid:1",
			U1 + ":99999999999999999999", U1 + ":1 2", "0-1-42" })
	void mySqlRejectsMalformedTextNamingIt(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> GtidPosition.parseMySqlSet(text))
			.withMessageContaining("MySQL")
			.withMessageContaining("'" + text + "'");
	}

	// ---- both ----

	@Test
	void nullTextAndMixedFlavorsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> GtidPosition.parseMariaDb(null));
		assertThatIllegalArgumentException().isThrownBy(() -> GtidPosition.parseMySqlSet(null));
		GtidPosition mariaDb = GtidPosition.parse("0-1-1", Flavor.MARIADB);
		GtidPosition mySql = GtidPosition.parse(U1 + ":1", Flavor.MYSQL);
		assertThatIllegalArgumentException().isThrownBy(() -> mariaDb.covers(mySql))
			.withMessageContaining("0-1-1")
			.withMessageContaining(U1 + ":1");
		assertThat(GtidPosition.parse("", Flavor.MARIADB)).isNotEqualTo(GtidPosition.parse("", Flavor.MYSQL));
	}

	// ---- properties ----

	@Property
	void coversIsReflexive(@ForAll("positions") GtidPosition position) {
		assertThat(position.covers(position)).isTrue();
	}

	@Property
	void coversIsTransitive(@ForAll("mariaDbTriples") List<GtidPosition> mariaDb,
			@ForAll("mySqlTriples") List<GtidPosition> mySql) {
		for (List<GtidPosition> abc : List.of(mariaDb, mySql)) {
			GtidPosition a = abc.get(0);
			GtidPosition b = abc.get(1);
			GtidPosition c = abc.get(2);
			if (a.covers(b) && b.covers(c)) {
				assertThat(a.covers(c)).as("%s covers %s covers %s", a, b, c).isTrue();
			}
		}
	}

	@Property
	void canonicalTextRoundTrips(@ForAll("positions") GtidPosition position) {
		GtidPosition again = GtidPosition.parse(position.toString(), position.flavor());
		assertThat(again).isEqualTo(position).hasToString(position.toString());
	}

	@Property
	void mySqlCoversMatchesInclusionOfExpandedSets(@ForAll("smallMySqlSets") SmallSet a,
			@ForAll("smallMySqlSets") SmallSet b) {
		assertThat(a.parsed().covers(b.parsed())).as("%s covers %s", a.text(), b.text())
			.isEqualTo(a.members().containsAll(b.members()));
	}

	@Property
	void mySqlIntervalSetCoversEverySubset(@ForAll("bigMySqlIntervals") List<long[]> intervals,
			@ForAll Random random) {
		GtidPosition set = GtidPosition.parseMySqlSet(render(U1, intervals));
		List<long[]> subset = new ArrayList<>();
		for (long[] interval : intervals) {
			if (random.nextBoolean()) {
				long start = interval[0] + (long) (random.nextDouble() * (interval[1] - interval[0]));
				long end = start + (long) (random.nextDouble() * (interval[1] - start));
				subset.add(new long[] { start, end });
			}
		}
		assertThat(set.covers(GtidPosition.parseMySqlSet(render(U1, subset)))).isTrue();
	}

	@Property
	void mariaDbCoversMatchesPerDomainComparison(@ForAll("mariaDbTexts") String a, @ForAll("mariaDbTexts") String b) {
		Map<Long, Long> mine = seqByDomain(a);
		Map<Long, Long> theirs = seqByDomain(b);
		boolean expected = theirs.entrySet()
			.stream()
			.allMatch((e) -> mine.getOrDefault(e.getKey(), 0L) >= e.getValue());
		assertThat(GtidPosition.parseMariaDb(a).covers(GtidPosition.parseMariaDb(b))).isEqualTo(expected);
	}

	@Provide
	Arbitrary<GtidPosition> positions() {
		return Arbitraries.oneOf(mariaDbTexts().map(GtidPosition::parseMariaDb),
				smallMySqlSets().map(SmallSet::parsed),
				bigMySqlIntervals().map((list) -> GtidPosition.parseMySqlSet(render(U2, list))));
	}

	@Provide
	Arbitrary<List<GtidPosition>> mariaDbTriples() {
		return mariaDbTexts().map(GtidPosition::parseMariaDb).list().ofSize(3);
	}

	@Provide
	Arbitrary<List<GtidPosition>> mySqlTriples() {
		return smallMySqlSets().map(SmallSet::parsed).list().ofSize(3);
	}

	@Provide
	Arbitrary<String> mariaDbTexts() {
		Arbitrary<String> gtid = Combinators
			.combine(Arbitraries.integers().between(1, 3), Arbitraries.longs().between(0, 12))
			.as((server, seq) -> "-" + server + "-" + seq);
		// domains 0..3, each present or not, in random order
		return Arbitraries.integers()
			.between(0, 3)
			.set()
			.ofMaxSize(4)
			.flatMap((domains) -> gtid.list().ofSize(domains.size()).map((gtids) -> {
				List<String> parts = new ArrayList<>();
				int i = 0;
				for (int domain : domains) {
					parts.add(domain + gtids.get(i++));
				}
				return String.join(",", parts);
			}));
	}

	/** Small sets over two uuids (one also tagged) and numbers 1..30, as overlapping, unordered intervals. */
	@Provide
	Arbitrary<SmallSet> smallMySqlSets() {
		Arbitrary<Run> run = Combinators
			.combine(Arbitraries.of(U1, U2, U1 + ":t1"), Arbitraries.integers().between(1, 30),
					Arbitraries.integers().between(0, 6))
			.as((key, start, length) -> new Run(key, start, start + length));
		return run.list().ofMaxSize(6).map((runs) -> {
			Set<String> members = new TreeSet<>();
			for (Run r : runs) {
				for (int n = r.start(); n <= r.end(); n++) {
					members.add(r.key() + "#" + n);
				}
			}
			String text = runs.stream().map(Run::text).collect(Collectors.joining(",\n"));
			return new SmallSet(text, GtidPosition.parseMySqlSet(text), members);
		});
	}

	@Provide
	Arbitrary<List<long[]>> bigMySqlIntervals() {
		Arbitrary<long[]> interval = Combinators
			.combine(Arbitraries.longs().between(1, Long.MAX_VALUE / 2),
					Arbitraries.longs().between(0, Long.MAX_VALUE / 2))
			.as((start, length) -> new long[] { start, start + length });
		return interval.list().ofMinSize(1).ofMaxSize(5);
	}

	private static String render(String uuid, List<long[]> intervals) {
		if (intervals.isEmpty()) {
			return "";
		}
		return uuid + intervals.stream().map((i) -> ":" + i[0] + "-" + i[1]).collect(Collectors.joining());
	}

	private static Map<Long, Long> seqByDomain(String text) {
		Map<Long, Long> seqs = new HashMap<>();
		for (String gtid : text.split(",")) {
			if (!gtid.isEmpty()) {
				String[] parts = gtid.split("-");
				seqs.put(Long.parseLong(parts[0]), Long.parseLong(parts[2]));
			}
		}
		return seqs;
	}

	record Run(String key, int start, int end) {

		String text() {
			return this.key + ":" + this.start + ((this.end != this.start) ? "-" + this.end : "");
		}

	}

	record SmallSet(String text, GtidPosition parsed, Set<String> members) {

		@Override
		public String toString() {
			return "'" + this.text + "'";
		}

	}

}
