package dev.shardline.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.shardline.replication.GtidPosition.Flavor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * {@link GtidWaits} against mocked JDBC, for what a MariaDB-only build cannot show live (the MySQL variant) and
 * for the result codes. {@link ReplicationLiveTests} covers MariaDB for real.
 */
class GtidWaitsTests {

	private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	@Test
	void sqlPerFlavor() {
		assertThat(GtidWaits.waitSql(Flavor.MARIADB)).isEqualTo("SELECT MASTER_GTID_WAIT(?, ?)");
		assertThat(GtidWaits.waitSql(Flavor.MYSQL)).isEqualTo("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)");
		assertThat(GtidWaits.positionSql(Flavor.MARIADB, true)).isEqualTo("SELECT @@GLOBAL.gtid_slave_pos");
		assertThat(GtidWaits.positionSql(Flavor.MARIADB, false)).isEqualTo("SELECT @@GLOBAL.gtid_binlog_pos");
		assertThat(GtidWaits.positionSql(Flavor.MYSQL, true)).isEqualTo("SELECT @@GLOBAL.gtid_executed");
		assertThat(GtidWaits.positionSql(Flavor.MYSQL, false)).isEqualTo("SELECT @@GLOBAL.gtid_executed");
		assertThat(GtidWaits.MARIADB_LAST_GTID_SQL).isEqualTo("SELECT @@last_gtid");
	}

	@Test
	void mariaDbWaitPassesPositionAndFractionalSeconds() throws SQLException {
		Connection connection = mock(Connection.class);
		PreparedStatement statement = waitReturning(connection, "SELECT MASTER_GTID_WAIT(?, ?)", 0L);
		assertThat(GtidWaits.await(connection, GtidPosition.parseMariaDb("0-1-5"), Duration.ofMillis(250))).isTrue();
		verify(statement).setString(1, "0-1-5");
		verify(statement).setDouble(2, 0.25);
		// server-side wait bounded at 250 ms; the client backstop is a second after the rounded-up timeout
		verify(statement).setQueryTimeout(2);
	}

	@Test
	void mariaDbTimeoutIsMinusOne() throws SQLException {
		Connection connection = mock(Connection.class);
		waitReturning(connection, "SELECT MASTER_GTID_WAIT(?, ?)", -1L);
		assertThat(GtidWaits.await(connection, GtidPosition.parseMariaDb("0-1-5"), Duration.ZERO)).isFalse();
	}

	@Test
	void mySqlReachedIsZeroAndTimeoutIsOne() throws SQLException {
		GtidPosition set = GtidPosition.parseMySqlSet(UUID + ":1-5");
		Connection reached = mock(Connection.class);
		PreparedStatement statement = waitReturning(reached, "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", 0L);
		assertThat(GtidWaits.await(reached, set, Duration.ofSeconds(2))).isTrue();
		verify(statement).setString(1, UUID + ":1-5");
		verify(statement).setDouble(2, 2.0);
		Connection timedOut = mock(Connection.class);
		waitReturning(timedOut, "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", 1L);
		assertThat(GtidWaits.await(timedOut, set, Duration.ofSeconds(2))).isFalse();
		// -1 is MariaDB's timeout code, never MySQL's
		Connection odd = mock(Connection.class);
		waitReturning(odd, "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", -1L);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> GtidWaits.await(odd, set, Duration.ZERO))
			.withMessageContaining("-1");
	}

	@Test
	void nullResultIsAnErrorNotATimeout() throws SQLException {
		Connection connection = mock(Connection.class);
		waitReturning(connection, "SELECT MASTER_GTID_WAIT(?, ?)", null);
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> GtidWaits.await(connection, GtidPosition.parseMariaDb("0-1-5"), Duration.ZERO))
			.withMessageContaining("null")
			.withMessageContaining("0-1-5");
	}

	@Test
	void emptyPositionIsReachedWithoutAskingAndNegativeTimeoutIsRejected() throws SQLException {
		Connection connection = mock(Connection.class);
		assertThat(GtidWaits.await(connection, GtidPosition.parseMariaDb(""), Duration.ZERO)).isTrue();
		verifyNoInteractions(connection);
		assertThatIllegalArgumentException().isThrownBy(
				() -> GtidWaits.await(connection, GtidPosition.parseMariaDb("0-1-1"), Duration.ofMillis(-1)));
		verify(connection, never()).prepareStatement(anyString());
	}

	@Test
	void mariaDbIsDetectedFromVersionText() throws SQLException {
		assertThat(GtidWaits.isMariaDb(versionConnection("10.11.19-MariaDB-0+deb12u1-log"))).isTrue();
		assertThat(GtidWaits.isMariaDb(versionConnection("8.4.5"))).isFalse();
		assertThat(GtidWaits.isMariaDb(versionConnection("8.0.36-28.1"))).isFalse();
	}

	@Test
	void queryTimeoutRoundsUpToWholeSecondsAtLeastOne() {
		assertThat(GtidWaits.queryTimeoutSeconds(Duration.ZERO)).isEqualTo(1);
		assertThat(GtidWaits.queryTimeoutSeconds(Duration.ofMillis(1))).isEqualTo(1);
		assertThat(GtidWaits.queryTimeoutSeconds(Duration.ofSeconds(1))).isEqualTo(1);
		assertThat(GtidWaits.queryTimeoutSeconds(Duration.ofMillis(1001))).isEqualTo(2);
		assertThat(GtidWaits.queryTimeoutSeconds(Duration.ofDays(100_000))).isEqualTo(Integer.MAX_VALUE - 1);
	}

	private static PreparedStatement waitReturning(Connection connection, String sql, Long code) throws SQLException {
		PreparedStatement statement = mock(PreparedStatement.class);
		ResultSet result = mock(ResultSet.class);
		given(connection.prepareStatement(sql)).willReturn(statement);
		given(statement.executeQuery()).willReturn(result);
		given(result.next()).willReturn(true);
		given(result.getObject(1, Long.class)).willReturn(code);
		return statement;
	}

	private static Connection versionConnection(String version) throws SQLException {
		Connection connection = mock(Connection.class);
		Statement statement = mock(Statement.class);
		ResultSet result = mock(ResultSet.class);
		given(connection.createStatement()).willReturn(statement);
		given(statement.executeQuery("SELECT VERSION()")).willReturn(result);
		given(result.next()).willReturn(true);
		given(result.getString(1)).willReturn(version);
		return connection;
	}

}
