package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provider discovery and the commands/SQL providers generate (the container path cannot run here). */
class TopologyProviderTest {

    private static final TopologySettings SETTINGS =
            new TopologySettings("app", "app", "app", "repl", "repl", Duration.ofSeconds(30));

    @Test
    void neitherBinariesNorDockerFailsWithInstallInstructions(@TempDir Path empty) {
        assertThat(LocalBinaryProvider.find(List.of(empty))).isEmpty();

        assertThatThrownBy(() -> TopologyProvider.detect(List.of(empty), () -> false))
                .isInstanceOf(TopologyUnavailableException.class)
                .hasMessageContaining("apt-get install -y mariadb-server")
                .hasMessageContaining("Docker engine")
                .hasMessageContaining(empty.toString());
    }

    @Test
    void builderWithoutProviderFailsLoudlyInsteadOfSkipping(@TempDir Path empty) {
        assertThatThrownBy(() -> MySqlTopology.builder()
                .provider(TopologyProvider.detect(List.of(empty), () -> false)).start())
                .hasMessageContaining("mariadb-server");
    }

    @Test
    void dockerIsTheFallbackWhenBinariesAreMissing(@TempDir Path empty) {
        assertThat(TopologyProvider.detect(List.of(empty), () -> true)).isInstanceOf(TestcontainersProvider.class)
                .extracting(TopologyProvider::flavor).isEqualTo(ServerFlavor.MYSQL);
    }

    @Test
    void localMariaDbIsFoundOnThisMachine() {
        TopologyProvider provider = TopologyProvider.detect();
        assertThat(provider).isInstanceOf(LocalBinaryProvider.class);
        LocalBinaryProvider local = (LocalBinaryProvider) provider;
        assertThat(local.serverBinary().getFileName().toString()).isIn("mariadbd", "mysqld");
        assertThat(local.installDbBinary().getFileName().toString()).isIn("mariadb-install-db", "mysql_install_db");
        assertThat(LocalBinaryProvider.defaultSearchPath()).contains(Path.of("/usr/sbin"));
    }

    @Test
    void localServerCommandHasReplicationFlags() {
        Path dir = Path.of("/tmp/shardline-it/1-ab/t1/s0r0");
        List<String> replica = LocalBinaryProvider.serverCommand(Path.of("/usr/sbin/mariadbd"), dir, 40001, 7,
                true, true);
        assertThat(replica.get(1)).isEqualTo("--no-defaults");
        assertThat(replica).contains("--datadir=" + dir.resolve("data"), "--socket=" + dir.resolve("sock"),
                "--port=40001", "--bind-address=127.0.0.1", "--server-id=7", "--log-bin", "--binlog-format=ROW",
                "--log-slave-updates", "--gtid-strict-mode=1", "--character-set-server=utf8mb4",
                "--innodb-buffer-pool-size=32M", "--performance-schema=OFF", "--skip-name-resolve",
                "--innodb-log-file-size=8M", "--user=root", "--read-only=1");
        List<String> primary = LocalBinaryProvider.serverCommand(Path.of("/usr/sbin/mariadbd"), dir, 40002, 8,
                false, false);
        assertThat(primary).doesNotContain("--read-only=1", "--user=root");
    }

    @Test
    void containerArgumentsEnableGtidReplication() {
        List<String> replica = TestcontainersProvider.serverArguments(new NodeSpec("shard-0-replica-0", "s0r0", 2,
                true));
        assertThat(replica).contains("--server-id=2", "--gtid-mode=ON", "--enforce-gtid-consistency=ON",
                "--log-replica-updates=ON", "--mysql-native-password=ON", "--read-only=ON");
        assertThat(TestcontainersProvider.serverArguments(new NodeSpec("shard-0-primary", "s0p", 1, false)))
                .doesNotContain("--read-only=ON");
        assertThat(TestcontainersProvider.bootstrapStatements(SETTINGS))
                .startsWith("SET SESSION sql_log_bin = 0")
                .endsWith("RESET BINARY LOGS AND GTIDS")
                .anyMatch(s -> s.contains("IDENTIFIED WITH mysql_native_password"))
                .anyMatch(s -> s.equals("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'"));
    }

    @Test
    void dialectsUseTheirOwnReplicationSyntax() {
        assertThat(ServerFlavor.MARIADB.changeSource("127.0.0.1", 3307, "repl", "p'w"))
                .isEqualTo("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=3307, MASTER_USER='repl',"
                        + " MASTER_PASSWORD='p''w', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1");
        assertThat(ServerFlavor.MYSQL.changeSource("s0p", 3306, "repl", "repl"))
                .startsWith("CHANGE REPLICATION SOURCE TO SOURCE_HOST='s0p', SOURCE_PORT=3306")
                .contains("SOURCE_AUTO_POSITION=1");
        assertThat(ServerFlavor.MYSQL.startReplica()).isEqualTo("START REPLICA");
        assertThat(ServerFlavor.MYSQL.waitForPosition()).contains("WAIT_FOR_EXECUTED_GTID_SET");
        assertThat(ServerFlavor.MARIADB.waitForPosition()).contains("MASTER_GTID_WAIT");
        for (ServerFlavor flavor : ServerFlavor.values()) {
            assertThat(String.join(";", flavor.bootstrap(SETTINGS)))
                    .doesNotContain("ALL PRIVILEGES").doesNotContain("SUPER").doesNotContain("READ_ONLY ADMIN");
        }
    }
}
