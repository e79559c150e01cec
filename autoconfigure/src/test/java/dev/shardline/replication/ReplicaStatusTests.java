package dev.shardline.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * {@link ReplicaStatus} on recorded status rows. The MariaDB rows were recorded from MariaDB 10.11.19 (the
 * harness topology of this build). The MySQL rows are written from MySQL's documented {@code SHOW REPLICA STATUS}
 * output format (8.4 reference manual) and are unverified against a live MySQL here.
 */
class ReplicaStatusTests {

	// MySQL 8.4, running, 3 s behind (documented format; not recorded from a live server).
	static final Map<String, String> MYSQL_RUNNING_LAG_3 = row("Replica_IO_State", "Waiting for source to send event",
			"Source_Host", "10.0.0.11", "Source_User", "repl", "Source_Port", "3306", "Connect_Retry", "60",
			"Source_Log_File", "binlog.000004", "Read_Source_Log_Pos", "18734", "Relay_Log_File",
			"replica-relay-bin.000006", "Relay_Log_Pos", "1120", "Relay_Source_Log_File", "binlog.000004",
			"Replica_IO_Running", "Yes", "Replica_SQL_Running", "Yes", "Replicate_Do_DB", "", "Replicate_Ignore_DB", "",
			"Replicate_Do_Table", "", "Replicate_Ignore_Table", "", "Replicate_Wild_Do_Table", "",
			"Replicate_Wild_Ignore_Table", "", "Last_Errno", "0", "Last_Error", "", "Skip_Counter", "0",
			"Exec_Source_Log_Pos", "18212", "Relay_Log_Space", "2250", "Until_Condition", "None", "Until_Log_File", "",
			"Until_Log_Pos", "0", "Source_SSL_Allowed", "No", "Source_SSL_CA_File", "", "Source_SSL_CA_Path", "",
			"Source_SSL_Cert", "", "Source_SSL_Cipher", "", "Source_SSL_Key", "", "Seconds_Behind_Source", "3",
			"Source_SSL_Verify_Server_Cert", "No", "Last_IO_Errno", "0", "Last_IO_Error", "", "Last_SQL_Errno", "0",
			"Last_SQL_Error", "", "Replicate_Ignore_Server_Ids", "", "Source_Server_Id", "1", "Source_UUID",
			"73f86016-978b-11ea-91e6-c84dc3e8a1b6", "Source_Info_File", "mysql.slave_master_info", "SQL_Delay", "0",
			"SQL_Remaining_Delay", null, "Replica_SQL_Running_State", "Waiting for dependent transaction to commit",
			"Source_Retry_Count", "10", "Source_Bind", "", "Last_IO_Error_Timestamp", "", "Last_SQL_Error_Timestamp",
			"", "Source_SSL_Crl", "", "Source_SSL_Crlpath", "", "Retrieved_Gtid_Set",
			"73f86016-978b-11ea-91e6-c84dc3e8a1b6:1-1042", "Executed_Gtid_Set",
			"73f86016-978b-11ea-91e6-c84dc3e8a1b6:1-1039,\n9c1a2b3d-0000-11ee-8000-0242ac120002:1-5", "Auto_Position",
			"1", "Replicate_Rewrite_DB", "", "Channel_Name", "", "Source_TLS_Version", "", "Source_public_key_path",
			"", "Get_Source_public_key", "1", "Network_Namespace", "");

	// MySQL 8.4 after STOP REPLICA SQL_THREAD: the documented NULL lag (documented format; not recorded).
	static final Map<String, String> MYSQL_SQL_STOPPED = with(MYSQL_RUNNING_LAG_3, "Replica_SQL_Running", "No",
			"Seconds_Behind_Source", null, "Replica_SQL_Running_State", "");

	// MySQL 8.4 with an applier error (documented format; not recorded).
	static final Map<String, String> MYSQL_SQL_ERROR = with(MYSQL_RUNNING_LAG_3, "Replica_SQL_Running", "No",
			"Seconds_Behind_Source", null, "Last_Errno", "1062", "Last_Error",
			"Could not execute Write_rows event on table app.orders; Duplicate entry '7' for key 'orders.PRIMARY'",
			"Last_SQL_Errno", "1062", "Last_SQL_Error",
			"Could not execute Write_rows event on table app.orders; Duplicate entry '7' for key 'orders.PRIMARY'",
			"Last_SQL_Error_Timestamp", "240611 10:15:02");

	// MariaDB 10.11.19 replica, running, caught up (recorded).
	static final Map<String, String> MARIADB_RUNNING = row("Slave_IO_State", "Waiting for master to send event",
			"Master_Host", "127.0.0.1", "Master_User", "repl", "Master_Port", "36671", "Connect_Retry", "1",
			"Master_Log_File", "mariadbd-bin.000001", "Read_Master_Log_Pos", "331", "Relay_Log_File",
			"node-relay-bin.000002", "Relay_Log_Pos", "633", "Relay_Master_Log_File", "mariadbd-bin.000001",
			"Slave_IO_Running", "Yes", "Slave_SQL_Running", "Yes", "Replicate_Do_DB", "", "Replicate_Ignore_DB", "",
			"Replicate_Do_Table", "", "Replicate_Ignore_Table", "", "Replicate_Wild_Do_Table", "",
			"Replicate_Wild_Ignore_Table", "", "Last_Errno", "0", "Last_Error", "", "Skip_Counter", "0",
			"Exec_Master_Log_Pos", "331", "Relay_Log_Space", "941", "Until_Condition", "None", "Until_Log_File", "",
			"Until_Log_Pos", "0", "Master_SSL_Allowed", "No", "Master_SSL_CA_File", "", "Master_SSL_CA_Path", "",
			"Master_SSL_Cert", "", "Master_SSL_Cipher", "", "Master_SSL_Key", "", "Seconds_Behind_Master", "0",
			"Master_SSL_Verify_Server_Cert", "No", "Last_IO_Errno", "0", "Last_IO_Error", "", "Last_SQL_Errno", "0",
			"Last_SQL_Error", "", "Replicate_Ignore_Server_Ids", "", "Master_Server_Id", "1", "Master_SSL_Crl", "",
			"Master_SSL_Crlpath", "", "Using_Gtid", "Slave_Pos", "Gtid_IO_Pos", "", "Replicate_Do_Domain_Ids", "",
			"Replicate_Ignore_Domain_Ids", "", "Parallel_Mode", "optimistic", "SQL_Delay", "0", "SQL_Remaining_Delay",
			null, "Slave_SQL_Running_State", "Slave has read all relay log; waiting for more updates",
			"Slave_DDL_Groups", "0", "Slave_Non_Transactional_Groups", "0", "Slave_Transactional_Groups", "0",
			"Replicate_Rewrite_DB", "");

	// MariaDB 10.11.19 replica whose primary was killed: IO thread reconnecting, lag NULL (recorded).
	static final Map<String, String> MARIADB_IO_CONNECTING = with(MARIADB_RUNNING, "Slave_IO_State",
			"Reconnecting after a failed master event read", "Master_Port", "40199", "Slave_IO_Running", "Connecting",
			"Seconds_Behind_Master", null, "Last_IO_Errno", "2003", "Last_IO_Error",
			"error reconnecting to master 'repl@127.0.0.1:40199' - retry-time: 1  maximum-retries: 100000  message: "
					+ "Can't connect to server on '127.0.0.1' (111 \"Connection refused\")",
			"Gtid_IO_Pos", "");

	// MariaDB 10.11.19 replica after STOP SLAVE SQL_THREAD and one write on the primary (recorded).
	static final Map<String, String> MARIADB_SQL_STOPPED = with(MARIADB_RUNNING, "Read_Master_Log_Pos", "741",
			"Relay_Log_Space", "1351", "Slave_SQL_Running", "No", "Seconds_Behind_Master", null, "Gtid_IO_Pos",
			"0-1-2", "Slave_SQL_Running_State", "");

	@Test
	void mysqlRunningWithLag() {
		ReplicaStatus status = ReplicaStatus.from(MYSQL_RUNNING_LAG_3);
		assertThat(status.ioRunning()).isTrue();
		assertThat(status.sqlRunning()).isTrue();
		assertThat(status.isReplicating()).isTrue();
		assertThat(status.lagSeconds()).hasValue(3);
		assertThat(status.sourceHost()).isEqualTo("10.0.0.11");
		assertThat(status.sourcePort()).isEqualTo(3306);
		assertThat(status.lastError()).isNull();
		assertThat(status.executedGtids())
			.isEqualTo("73f86016-978b-11ea-91e6-c84dc3e8a1b6:1-1039,\n9c1a2b3d-0000-11ee-8000-0242ac120002:1-5");
		assertThat(status.receivedGtids()).isEqualTo("73f86016-978b-11ea-91e6-c84dc3e8a1b6:1-1042");
		// The MySQL text parses as-is, line break included.
		assertThat(GtidPosition.parseMySqlSet(status.receivedGtids()).covers(
				GtidPosition.parseMySqlSet("73f86016-978b-11ea-91e6-c84dc3e8a1b6:1000-1042")))
			.isTrue();
	}

	@Test
	void mysqlSqlThreadStoppedHasUnknownLag() {
		ReplicaStatus status = ReplicaStatus.from(MYSQL_SQL_STOPPED);
		assertThat(status.ioRunning()).isTrue();
		assertThat(status.sqlRunning()).isFalse();
		assertThat(status.isReplicating()).isFalse();
		assertThat(status.lagSeconds()).isEmpty();
		assertThat(status.lastError()).isNull();
	}

	@Test
	void mysqlErrorIsReported() {
		ReplicaStatus status = ReplicaStatus.from(MYSQL_SQL_ERROR);
		assertThat(status.isReplicating()).isFalse();
		assertThat(status.lagSeconds()).isEmpty();
		assertThat(status.lastError()).startsWith("Could not execute Write_rows event").contains("Duplicate entry");
	}

	@Test
	void mariaDbRunningWithZeroLag() {
		ReplicaStatus status = ReplicaStatus.from(MARIADB_RUNNING);
		assertThat(status.isReplicating()).isTrue();
		assertThat(status.lagSeconds()).hasValue(0);
		assertThat(status.sourceHost()).isEqualTo("127.0.0.1");
		assertThat(status.sourcePort()).isEqualTo(36671);
		assertThat(status.lastError()).isNull();
		// Gtid_IO_Pos is what was received, not what was applied: not reported as executed.
		assertThat(status.executedGtids()).isNull();
		assertThat(status.receivedGtids()).isEmpty();
	}

	@Test
	void mariaDbSqlThreadStoppedHasUnknownLagAndReceivedButUnappliedGtids() {
		ReplicaStatus status = ReplicaStatus.from(MARIADB_SQL_STOPPED);
		assertThat(status.ioRunning()).isTrue();
		assertThat(status.sqlRunning()).isFalse();
		assertThat(status.lagSeconds()).isEmpty();
		// 0-1-2 arrived but was not applied: why Gtid_IO_Pos is not offered as executedGtids()
		assertThat(status.receivedGtids()).isEqualTo("0-1-2");
		assertThat(status.executedGtids()).isNull();
	}

	@Test
	void mariaDbIoConnectingHasUnknownLagAndTheIoError() {
		ReplicaStatus status = ReplicaStatus.from(MARIADB_IO_CONNECTING);
		assertThat(status.ioRunning()).isFalse();
		assertThat(status.sqlRunning()).isTrue();
		assertThat(status.isReplicating()).isFalse();
		assertThat(status.lagSeconds()).isEmpty();
		assertThat(status.lastError()).startsWith("error reconnecting to master").contains("Connection refused");
		assertThat(status.receivedGtids()).isEmpty();
	}

	@Test
	void lagIsUnknownWhenAThreadIsDownEvenIfANumberIsReported() {
		// MySQL keeps reporting a number while the SQL thread drains the relay log with the IO thread stopped.
		ReplicaStatus status = ReplicaStatus.from(with(MYSQL_RUNNING_LAG_3, "Replica_IO_Running", "No"));
		assertThat(status.lagSeconds()).isEmpty();
	}

	@Test
	void ioErrorWinsOverSqlErrorAndEmptyErrorsAreNull() {
		assertThat(ReplicaStatus.from(with(MYSQL_SQL_ERROR, "Last_IO_Error", "io broke")).lastError())
			.isEqualTo("io broke");
		assertThat(ReplicaStatus.from(with(MYSQL_RUNNING_LAG_3, "Last_IO_Error", null)).lastError()).isNull();
	}

	@Test
	void columnNamesMatchIgnoringCaseAndMissingOptionalColumnsAreNull() {
		ReplicaStatus status = ReplicaStatus
			.from(row("slave_io_running", "yes", "SLAVE_SQL_RUNNING", "Yes", "seconds_behind_master", "12"));
		assertThat(status.lagSeconds()).hasValue(12);
		assertThat(status.sourceHost()).isNull();
		assertThat(status.sourcePort()).isZero();
		assertThat(status.executedGtids()).isNull();
		assertThat(status.receivedGtids()).isNull();
	}

	@Test
	void rejectsRowsThatAreNotReplicaStatus() {
		assertThatIllegalArgumentException().isThrownBy(() -> ReplicaStatus.from(Map.of("Variable_name", "x")))
			.withMessageContaining("Replica_IO_Running")
			.withMessageContaining("Variable_name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplicaStatus.from(with(MARIADB_RUNNING, "Seconds_Behind_Master", "soon")))
			.withMessageContaining("'soon'");
	}

	@Test
	void toStringShowsStateButNoUser() {
		String text = ReplicaStatus.from(MARIADB_IO_CONNECTING).toString();
		assertThat(text).contains("io=Connecting", "sql=Yes", "lag=unknown", "127.0.0.1:40199");
		assertThat(ReplicaStatus.from(MYSQL_RUNNING_LAG_3).toString()).contains("lag=3s").doesNotContain("repl");
	}

	@Test
	void readFallsBackToShowSlaveStatusOnSyntaxError() throws SQLException {
		Connection connection = mock(Connection.class);
		Statement statement = mock(Statement.class);
		given(connection.createStatement()).willReturn(statement);
		given(statement.executeQuery("SHOW REPLICA STATUS"))
			.willThrow(new SQLSyntaxErrorException("You have an error in your SQL syntax", "42000", 1064));
		ResultSet result = resultSet(List.of(MARIADB_RUNNING));
		given(statement.executeQuery("SHOW SLAVE STATUS")).willReturn(result);
		ReplicaStatus status = ReplicaStatus.read(connection, Duration.ofMillis(200)).orElseThrow();
		assertThat(status.lagSeconds()).hasValue(0);
		// 200 ms rounds up to the smallest JDBC query timeout
		verify(statement, times(2)).setQueryTimeout(1);
	}

	@Test
	void readRoundsTheTimeoutUpAndReturnsEmptyOnAPrimary() throws SQLException {
		Connection connection = mock(Connection.class);
		Statement statement = mock(Statement.class);
		given(connection.createStatement()).willReturn(statement);
		ResultSet empty = resultSet(List.of());
		given(statement.executeQuery("SHOW REPLICA STATUS")).willReturn(empty);
		assertThat(ReplicaStatus.read(connection, Duration.ofMillis(2001))).isEmpty();
		verify(statement).setQueryTimeout(3);
		verify(statement, never()).executeQuery("SHOW SLAVE STATUS");
	}

	@Test
	void readDoesNotHideOtherErrors() throws SQLException {
		Connection connection = mock(Connection.class);
		Statement statement = mock(Statement.class);
		given(connection.createStatement()).willReturn(statement);
		SQLException denied = new SQLException("Access denied; you need (at least one of) the REPLICA MONITOR "
				+ "privilege(s) for this operation", "42000", 1227);
		given(statement.executeQuery(anyString())).willThrow(denied);
		assertThatThrownBy(() -> ReplicaStatus.read(connection, Duration.ofSeconds(1))).isSameAs(denied);
		verify(statement, never()).executeQuery("SHOW SLAVE STATUS");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplicaStatus.read(connection, Duration.ofSeconds(-1)));
	}

	/** A status row from alternating column names and values (values may be null, as JDBC returns them). */
	static Map<String, String> row(String... namesAndValues) {
		Map<String, String> row = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			row.put(namesAndValues[i], namesAndValues[i + 1]);
		}
		return Collections.unmodifiableMap(row);
	}

	static Map<String, String> with(Map<String, String> base, String... namesAndValues) {
		Map<String, String> row = new LinkedHashMap<>(base);
		for (int i = 0; i < namesAndValues.length; i += 2) {
			if (!row.containsKey(namesAndValues[i])) {
				throw new IllegalArgumentException("No column " + namesAndValues[i] + " in the base row");
			}
			row.put(namesAndValues[i], namesAndValues[i + 1]);
		}
		return Collections.unmodifiableMap(row);
	}

	private static ResultSet resultSet(List<Map<String, String>> rows) throws SQLException {
		ResultSet result = mock(ResultSet.class);
		ResultSetMetaData meta = mock(ResultSetMetaData.class);
		List<String> columns = rows.isEmpty() ? List.of() : new ArrayList<>(rows.get(0).keySet());
		given(meta.getColumnCount()).willReturn(columns.size());
		for (int i = 0; i < columns.size(); i++) {
			given(meta.getColumnLabel(i + 1)).willReturn(columns.get(i));
		}
		given(result.getMetaData()).willReturn(meta);
		Map<String, Integer> cursor = new HashMap<>(Map.of("row", -1));
		given(result.next()).willAnswer((invocation) -> cursor.merge("row", 1, Integer::sum) < rows.size());
		given(result.getString(anyInt())).willAnswer(
				(invocation) -> rows.get(cursor.get("row")).get(columns.get((int) invocation.getArgument(0) - 1)));
		return result;
	}

}
