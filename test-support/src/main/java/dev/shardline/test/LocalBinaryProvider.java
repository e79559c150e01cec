package dev.shardline.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts nodes from the MariaDB server installed on this machine ({@code mariadbd}, or a {@code mysqld} that is
 * MariaDB), each a plain child process with its own data directory under the per-JVM root.
 *
 * <p>Fast path: one template data directory per JVM is initialised with {@code mariadb-install-db} (users and
 * database included), then copied per node; nodes start in parallel. A 2 × (1 + 1) topology is up in about two
 * seconds, most of it the first template.
 */
public final class LocalBinaryProvider implements TopologyProvider {

    private static final Logger log = LoggerFactory.getLogger(LocalBinaryProvider.class);

    private static final List<String> SERVER_NAMES = List.of("mariadbd", "mysqld");
    private static final List<String> INSTALL_DB_NAMES = List.of("mariadb-install-db", "mysql_install_db");

    private final Path serverBinary;
    private final Path installDbBinary;

    /**
     * @param serverBinary    {@code mariadbd} (or a MariaDB {@code mysqld})
     * @param installDbBinary {@code mariadb-install-db} (or {@code mysql_install_db})
     */
    public LocalBinaryProvider(Path serverBinary, Path installDbBinary) {
        this.serverBinary = serverBinary;
        this.installDbBinary = installDbBinary;
    }

    /**
     * Directories searched by default: {@code PATH}, then the sbin directories Debian puts {@code mariadbd} in
     * (often not on a non-root {@code PATH}).
     *
     * @return search path, without duplicates
     */
    public static List<Path> defaultSearchPath() {
        LinkedHashSet<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    dirs.add(Path.of(entry));
                }
            }
        }
        dirs.add(Path.of("/usr/sbin"));
        dirs.add(Path.of("/usr/local/sbin"));
        return List.copyOf(dirs);
    }

    /**
     * Looks for a MariaDB server and its install-db tool in {@code searchPath}.
     *
     * @param searchPath directories to search, in order
     * @return the provider, or empty if either binary is missing (or {@code mysqld} is not MariaDB)
     */
    public static Optional<LocalBinaryProvider> find(List<Path> searchPath) {
        Optional<Path> server = firstExecutable(searchPath, SERVER_NAMES).filter(LocalBinaryProvider::isMariaDb);
        Optional<Path> installDb = firstExecutable(searchPath, INSTALL_DB_NAMES);
        if (server.isPresent() && installDb.isPresent()) {
            return Optional.of(new LocalBinaryProvider(server.get(), installDb.get()));
        }
        return Optional.empty();
    }

    /** The server binary this provider starts. */
    public Path serverBinary() {
        return serverBinary;
    }

    /** The tool this provider initialises the template data directory with. */
    public Path installDbBinary() {
        return installDbBinary;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "local " + serverBinary;
    }

    /** {@inheritDoc} */
    @Override
    public ServerFlavor flavor() {
        return ServerFlavor.MARIADB;
    }

    /** {@inheritDoc} */
    @Override
    public NodeSet startNodes(TopologySettings settings, List<NodeSpec> specs) {
        Path template = template(settings);
        JvmWorkspace.cleanStaleRoots();
        Path topologyDir = JvmWorkspace.newTopologyDir();
        List<LocalNode> created = Collections.synchronizedList(new ArrayList<>());
        // Bounded: 64 servers initialising InnoDB at once on 2 cores start slower than a few at a time, and may
        // miss their start-up timeout.
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(specs.size(), settings.startConcurrency()), r -> {
            Thread t = new Thread(r, "shardline-node-start");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<LocalNode>> futures = new ArrayList<>();
            for (NodeSpec spec : specs) {
                futures.add(pool.submit(() -> {
                    LocalNode node = new LocalNode(serverBinary, topologyDir.resolve(spec.shortName()), spec,
                            settings.startupTimeout(), isRoot(), settings.footprint());
                    created.add(node);
                    node.copyTemplate(template);
                    node.startOnFreePort();
                    return node;
                }));
            }
            List<NodeRuntime> nodes = new ArrayList<>();
            for (Future<LocalNode> f : futures) {
                nodes.add(f.get());
            }
            return new NodeSet(nodes, () -> StaleTopologyCleaner.deleteRecursively(topologyDir));
        } catch (ExecutionException | InterruptedException | RuntimeException e) {
            // all or nothing: a half-started topology would leak processes
            pool.shutdownNow();
            awaitQuietly(pool);
            synchronized (created) {
                created.forEach(LocalNode::destroy);
            }
            StaleTopologyCleaner.deleteRecursively(topologyDir);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Could not start topology nodes: " + cause.getMessage(), cause);
        } finally {
            pool.shutdown();
        }
    }

    /** The JVM-wide template data directory for these settings, built on first use. */
    Path template(TopologySettings settings) {
        return JvmWorkspace.template(settings.templateKey(), dir -> buildTemplate(dir, settings));
    }

    /** Command line of one node with the {@link ServerFootprint#STANDARD} footprint. */
    static List<String> serverCommand(Path serverBinary, Path nodeDir, int port, int serverId, boolean readOnly,
                                      boolean asRoot) {
        return serverCommand(serverBinary, nodeDir, port, serverId, readOnly, asRoot, ServerFootprint.STANDARD);
    }

    /** Command line of one node (package-private so a unit test can check the flags). */
    static List<String> serverCommand(Path serverBinary, Path nodeDir, int port, int serverId, boolean readOnly,
                                      boolean asRoot, ServerFootprint footprint) {
        List<String> cmd = new ArrayList<>(List.of(
                serverBinary.toString(),
                "--no-defaults", // must be first: ignore /etc/mysql/my.cnf of the machine's own server
                "--log-basename=node", // stable binlog/relay-log names, independent of the host name
                "--datadir=" + LocalNode.dataDir(nodeDir),
                "--socket=" + nodeDir.resolve("sock"),
                "--tmpdir=" + nodeDir.resolve("tmp"), // private: never share /tmp temp-table names with others
                "--pid-file=" + nodeDir.resolve("mariadbd.pid"),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--server-id=" + serverId,
                "--log-bin",
                "--binlog-format=ROW",
                // Shardline's key moves install fence triggers as the application's user (README: key moves)
                "--log-bin-trust-function-creators=1",
                "--log-slave-updates",
                "--gtid-strict-mode=1",
                "--character-set-server=utf8mb4", // --no-defaults would otherwise mean latin1
                "--collation-server=utf8mb4_general_ci",
                "--innodb-log-file-size=8M",
                // a SIGKILL (our "crash") loses nothing with 2: the OS still has the log; only a kernel crash would
                "--innodb-flush-log-at-trx-commit=2",
                "--performance-schema=OFF",
                "--skip-name-resolve",
                // replication is started explicitly, so a restarted node never races the harness' own START SLAVE
                "--skip-slave-start"));
        cmd.addAll(footprint.serverFlags());
        if (asRoot) {
            cmd.add("--user=root"); // mariadbd refuses to run as root otherwise
        }
        if (readOnly) {
            cmd.add("--read-only=1");
        }
        return cmd;
    }

    private Path buildTemplate(Path dir, TopologySettings settings) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-tmp"));
            Path extra = dir.resolveSibling(dir.getFileName() + "-init.sql");
            // The extra file runs with grant tables off; FLUSH PRIVILEGES loads them, or CREATE USER fails.
            StringBuilder sql = new StringBuilder("FLUSH PRIVILEGES;\n");
            for (String statement : ServerFlavor.MARIADB.bootstrap(settings)) {
                sql.append(statement).append(";\n");
            }
            Files.writeString(extra, sql, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of(installDbBinary.toString(), "--no-defaults",
                    "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=normal",
                    "--skip-test-db", "--extra-file=" + extra,
                    // Concurrent bootstraps sharing /tmp clobber each other's temporary tables ("Unknown table
                    // 'mysql.tmp_user_sys'") when several test JVMs start at once: give each its own tmpdir.
                    "--tmpdir=" + tmp,
                    // same sizes as the nodes: a 96M default redo log would make every copy 4x bigger
                    "--innodb-log-file-size=8M", "--innodb-buffer-pool-size=32M"));
            if (isRoot()) {
                cmd.add("--user=root");
            }
            Path logFile = dir.resolveSibling(dir.getFileName() + "-install.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(installDbBinary + " did not finish within 120 s; log:\n"
                        + LocalNode.tail(logFile, 40));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(installDbBinary + " failed with exit code " + p.exitValue()
                        + " (command " + cmd + "); log:\n" + LocalNode.tail(logFile, 40));
            }
            log.info("Initialised template data directory {} in {} ms", dir,
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            return dir.resolve("data");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot initialise template data directory " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while initialising " + dir, e);
        }
    }

    /** Whether this JVM runs as root (then mariadbd needs {@code --user=root}). */
    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Optional<Path> firstExecutable(List<Path> dirs, List<String> names) {
        for (String name : names) {
            for (Path dir : dirs) {
                Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Oracle MySQL's mysqld needs other flags and another bootstrap; only MariaDB is supported locally. */
    private static boolean isMariaDb(Path server) {
        if (server.getFileName().toString().equals("mariadbd")) {
            return true;
        }
        try {
            Process p = new ProcessBuilder(server.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            boolean maria = out.contains("MariaDB");
            if (!maria) {
                log.warn("Ignoring {}: not MariaDB ({}); only MariaDB binaries are supported locally", server,
                        out.trim());
            }
            return maria;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
