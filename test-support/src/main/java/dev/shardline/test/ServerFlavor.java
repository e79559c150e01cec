package dev.shardline.test;

import java.util.List;

/**
 * The SQL dialect a topology's servers speak for replication control.
 *
 * <p>MariaDB (local binaries) and MySQL 8.4 (Testcontainers) differ in every replication statement:
 * MySQL 8.4 removed {@code CHANGE MASTER TO}, MariaDB tracks GTIDs per domain with its own functions.
 * The harness keeps those differences here so {@link TopologyNode} stays dialect-free.
 */
public enum ServerFlavor {

    /** MariaDB 10.6+ ({@code CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos}). */
    MARIADB,

    /** MySQL 8.4 ({@code CHANGE REPLICATION SOURCE TO ... SOURCE_AUTO_POSITION=1}). */
    MYSQL;

    /** Statement pointing a stopped replica at {@code host:port} with GTID auto-positioning. */
    String changeSource(String host, int port, String user, String password) {
        return switch (this) {
            case MARIADB -> "CHANGE MASTER TO MASTER_HOST=" + Sql.quote(host) + ", MASTER_PORT=" + port
                    + ", MASTER_USER=" + Sql.quote(user) + ", MASTER_PASSWORD=" + Sql.quote(password)
                    + ", MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1";
            // GET_SOURCE_PUBLIC_KEY lets a caching_sha2 replication user connect without TLS, should one be used.
            case MYSQL -> "CHANGE REPLICATION SOURCE TO SOURCE_HOST=" + Sql.quote(host) + ", SOURCE_PORT=" + port
                    + ", SOURCE_USER=" + Sql.quote(user) + ", SOURCE_PASSWORD=" + Sql.quote(password)
                    + ", SOURCE_AUTO_POSITION=1, SOURCE_CONNECT_RETRY=1, GET_SOURCE_PUBLIC_KEY=1";
        };
    }

    /**
     * Statements run on a stopped node before it is (re)pointed at a new source.
     *
     * <p>MariaDB's {@code slave_pos} is empty on a node that has only ever been a primary, which would make it
     * ask the new source for the whole history (and break GTID strict mode); seeding it from
     * {@code @@gtid_current_pos} makes a demoted primary and an ordinary replica behave the same.
     */
    List<String> prepareRepoint() {
        return this == MARIADB ? List.of("SET GLOBAL gtid_slave_pos = @@gtid_current_pos") : List.of();
    }

    /** Starts both replication threads. */
    String startReplica() {
        return this == MARIADB ? "START SLAVE" : "START REPLICA";
    }

    /** Stops both replication threads. */
    String stopReplica() {
        return this == MARIADB ? "STOP SLAVE" : "STOP REPLICA";
    }

    /** Starts only the applier (SQL) thread. */
    String startSqlThread() {
        return startReplica() + " SQL_THREAD";
    }

    /** Stops only the applier (SQL) thread. */
    String stopSqlThread() {
        return stopReplica() + " SQL_THREAD";
    }

    /** Forgets the replication configuration entirely (used on promotion). */
    String resetReplicaAll() {
        return this == MARIADB ? "RESET SLAVE ALL" : "RESET REPLICA ALL";
    }

    /** Sets an applier delay; the replica must be stopped. */
    String replicationDelay(long seconds) {
        return this == MARIADB ? "CHANGE MASTER TO MASTER_DELAY=" + seconds
                : "CHANGE REPLICATION SOURCE TO SOURCE_DELAY=" + seconds;
    }

    /** Query returning the GTID position a primary has written. */
    String writtenPosition() {
        return this == MARIADB ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed";
    }

    /** Query returning the GTID position a replica has applied. */
    String appliedPosition() {
        return this == MARIADB ? "SELECT @@GLOBAL.gtid_slave_pos" : "SELECT @@GLOBAL.gtid_executed";
    }

    /** Query with two parameters (position, timeout seconds) that returns 0 once the position is applied. */
    String waitForPosition() {
        return this == MARIADB ? "SELECT MASTER_GTID_WAIT(?, ?)" : "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";
    }

    /** Replica status statement. MariaDB accepts SHOW REPLICA STATUS but still returns the old column names. */
    String replicaStatus() {
        return this == MARIADB ? "SHOW SLAVE STATUS" : "SHOW REPLICA STATUS";
    }

    /** Column of {@link #replicaStatus()} holding the lag in seconds (NULL when the applier is stopped). */
    String secondsBehindColumn() {
        return this == MARIADB ? "Seconds_Behind_Master" : "Seconds_Behind_Source";
    }

    /** Column of {@link #replicaStatus()} telling whether the receiver (IO) thread runs. */
    String ioRunningColumn() {
        return this == MARIADB ? "Slave_IO_Running" : "Replica_IO_Running";
    }

    /** Column of {@link #replicaStatus()} telling whether the applier (SQL) thread runs. */
    String sqlRunningColumn() {
        return this == MARIADB ? "Slave_SQL_Running" : "Replica_SQL_Running";
    }

    /**
     * Creates the application database and users.
     *
     * <p>The application user can do DDL/DML and watch replication, but has neither SUPER nor (MariaDB 10.11)
     * {@code READ_ONLY ADMIN}: a write on a read-only replica must fail for it, as it would in production.
     * {@code GRANT ALL} would silently include {@code READ_ONLY ADMIN} on MariaDB, so privileges are listed.
     */
    List<String> bootstrap(TopologySettings s) {
        String app = Sql.quote(s.appUser()) + "@'%'";
        String repl = Sql.quote(s.replicationUser()) + "@'%'";
        String db = Sql.identifier(s.database());
        String dbPrivileges = "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES,"
                + " LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER,"
                + " REFERENCES";
        return switch (this) {
            case MARIADB -> List.of(
                    "CREATE DATABASE IF NOT EXISTS " + db + " CHARACTER SET utf8mb4",
                    "CREATE USER " + app + " IDENTIFIED VIA mysql_native_password USING PASSWORD("
                            + Sql.quote(s.appPassword()) + ")",
                    "GRANT " + dbPrivileges + " ON " + db + ".* TO " + app,
                    "GRANT PROCESS, SLAVE MONITOR, BINLOG MONITOR ON *.* TO " + app,
                    "CREATE USER " + repl + " IDENTIFIED VIA mysql_native_password USING PASSWORD("
                            + Sql.quote(s.replicationPassword()) + ")",
                    "GRANT REPLICATION SLAVE ON *.* TO " + repl);
            case MYSQL -> List.of(
                    "CREATE DATABASE IF NOT EXISTS " + db + " CHARACTER SET utf8mb4",
                    "CREATE USER " + app + " IDENTIFIED WITH mysql_native_password BY " + Sql.quote(s.appPassword()),
                    "GRANT " + dbPrivileges + " ON " + db + ".* TO " + app,
                    "GRANT PROCESS, REPLICATION CLIENT ON *.* TO " + app,
                    "CREATE USER " + repl + " IDENTIFIED WITH mysql_native_password BY "
                            + Sql.quote(s.replicationPassword()),
                    "GRANT REPLICATION SLAVE ON *.* TO " + repl);
        };
    }
}
