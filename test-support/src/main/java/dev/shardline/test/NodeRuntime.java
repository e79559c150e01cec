package dev.shardline.test;

/**
 * One running (or stopped) server process as a {@link TopologyProvider} manages it.
 *
 * <p>{@link TopologyNode} builds its SQL-level API on top of this; implementations only deal with processes
 * (or containers). Methods are called from one test thread at a time but may be called from a shutdown hook.
 */
public interface NodeRuntime {

    /** Host the test JVM connects to. */
    String host();

    /** Port the test JVM connects to; stays the same across {@link #restart(boolean)}. */
    int port();

    /** Host other nodes of the topology use to replicate from this node. */
    String replicationHost();

    /** Port other nodes of the topology use to replicate from this node. */
    int replicationPort();

    /** Administrative user (root). */
    String adminUser();

    /** Password of {@link #adminUser()}. */
    String adminPassword();

    /** Process id of the current (or last) server process, -1 if unknown. */
    long pid();

    /** Whether the server process exists (a frozen process counts as running). */
    boolean isRunning();

    /** SIGKILL: a crash. Returns once the process is gone. */
    void kill();

    /** Graceful shutdown (SIGTERM); falls back to SIGKILL if it takes too long. */
    void stop();

    /**
     * Starts the server again on the same port and data, and waits until it accepts connections.
     *
     * @param readOnly whether it comes up read-only
     */
    void restart(boolean readOnly);

    /** SIGSTOP: the process hangs, its TCP port still accepts connections but nothing answers. */
    void freeze();

    /** SIGCONT: undoes {@link #freeze()}. */
    void thaw();

    /** Last lines of the server log, for failure messages. */
    String logTail();

    /** Kills the process and deletes everything it owns (data directory, logs). Idempotent. */
    void destroy();
}
