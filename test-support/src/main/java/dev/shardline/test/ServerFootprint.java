package dev.shardline.test;

import java.util.List;

/**
 * How much memory and how many threads each local server of a topology may use.
 *
 * <p>{@link #STANDARD} suits the few-node topologies most tests use; {@link #SERVER_DEFAULTS} is for benchmarks. {@link #COMPACT} lets dozens of servers share
 * one small machine (32 shards × (primary + replica) on 2 cores): an 8 MB buffer pool, tiny Aria/MyISAM caches,
 * one I/O thread each way and small per-connection buffers bring an idle server from about 90 MB to about 52 MB
 * resident (measured with MariaDB 10.11) without changing anything a test observes but speed on large data.
 */
public enum ServerFootprint {

    /** 32 MB buffer pool, an 8 MB redo log and MariaDB's defaults otherwise. */
    STANDARD(List.of("--innodb-buffer-pool-size=32M")),

    /**
     * MariaDB 10.11's own defaults for the InnoDB buffer pool (128 MB) and redo log (96 MB), as an
     * unconfigured production server has them: for benchmarks of write-heavy work, which an 8 MB redo
     * log turns into a measurement of its checkpoints (every few megabytes written, writers wait).
     */
    SERVER_DEFAULTS(List.of("--innodb-buffer-pool-size=128M", "--innodb-log-file-size=96M")),

    /** The smallest settings that still run the harness' and Shardline's workloads comfortably. */
    COMPACT(List.of(
            "--innodb-buffer-pool-size=8M",
            "--innodb-log-buffer-size=2M",
            "--innodb-read-io-threads=1",
            "--innodb-write-io-threads=1",
            "--innodb-purge-threads=1",
            // allocated at start-up: 128 MB each by default although the harness uses neither engine
            "--aria-pagecache-buffer-size=1M",
            "--key-buffer-size=64K",
            "--table-open-cache=64",
            "--table-definition-cache=256",
            "--thread-cache-size=4",
            "--query-cache-size=0",
            "--binlog-cache-size=32K"));

    /** Topologies of at least this many nodes use {@link #COMPACT} unless the builder says otherwise. */
    public static final int COMPACT_FROM_NODES = 16;

    private final List<String> serverFlags;

    ServerFootprint(List<String> serverFlags) {
        this.serverFlags = serverFlags;
    }

    /** The {@code mariadbd} command-line flags of this footprint. */
    public List<String> serverFlags() {
        return serverFlags;
    }

    /**
     * The default footprint for a topology of {@code nodes} servers.
     *
     * @param nodes number of servers
     * @return {@link #COMPACT} from {@link #COMPACT_FROM_NODES} nodes, else {@link #STANDARD}
     */
    public static ServerFootprint forNodes(int nodes) {
        return nodes >= COMPACT_FROM_NODES ? COMPACT : STANDARD;
    }
}
