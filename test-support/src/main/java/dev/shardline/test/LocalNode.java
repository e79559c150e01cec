package dev.shardline.test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A MariaDB server run as a child process of the test JVM, in {@code <nodeDir>/data}, with its socket, pid files
 * and log next to it. Package-private: tests see it through {@link TopologyNode}.
 */
final class LocalNode implements NodeRuntime {

    private static final int PORT_ATTEMPTS = 5;
    private static final String HOST = "127.0.0.1";

    private final Path serverBinary;
    private final Path dir;
    private final NodeSpec spec;
    private final Duration startupTimeout;
    private final boolean asRoot;
    private final Path logFile;
    private final ServerFootprint footprint;

    private IntSupplier portSupplier = LocalNode::freePort;
    private int port = -1;
    private Process process;
    private long lastPid = -1;
    private boolean destroyed;

    LocalNode(Path serverBinary, Path dir, NodeSpec spec, Duration startupTimeout, boolean asRoot) {
        this(serverBinary, dir, spec, startupTimeout, asRoot, ServerFootprint.STANDARD);
    }

    LocalNode(Path serverBinary, Path dir, NodeSpec spec, Duration startupTimeout, boolean asRoot,
              ServerFootprint footprint) {
        this.footprint = footprint;
        this.serverBinary = serverBinary;
        this.dir = dir;
        this.spec = spec;
        this.startupTimeout = startupTimeout;
        this.asRoot = asRoot;
        this.logFile = dir.resolve("node.log");
    }

    static Path dataDir(Path nodeDir) {
        return nodeDir.resolve("data");
    }

    /** Copies the template data directory into this node's directory. */
    void copyTemplate(Path template) throws IOException {
        Path target = dataDir(dir);
        Files.createDirectories(dir);
        Files.walkFileTree(template, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(target.resolve(template.relativize(d)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, target.resolve(template.relativize(file)));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Replaces the free-port probe (lets a test force a port clash). */
    void portSupplier(IntSupplier supplier) {
        this.portSupplier = supplier;
    }

    /** First start: pick a free port; if another process grabs it before the server binds, try another. */
    synchronized void startOnFreePort() {
        PortClashException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            port = portSupplier.getAsInt();
            try {
                launch(spec.readOnly());
                return;
            } catch (PortClashException e) {
                last = e;
            }
        }
        throw new IllegalStateException(spec.name() + ": every port tried was taken", last);
    }

    @Override
    public synchronized void restart(boolean readOnly) {
        checkNotDestroyed();
        if (isRunning()) {
            throw new IllegalStateException(spec.name() + " is still running; kill() or stop() it first");
        }
        // Same port by contract; a clash here is transient (e.g. an outgoing connection briefly holding it).
        PortClashException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            try {
                launch(readOnly);
                return;
            } catch (PortClashException e) {
                last = e;
                sleep(200);
            }
        }
        throw new IllegalStateException(spec.name() + " cannot bind its port " + port + " again", last);
    }

    private void launch(boolean readOnly) {
        checkNotDestroyed();
        long logOffset;
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Files.writeString(logFile, "=== shardline: starting " + spec.name() + " on port " + port + " at "
                    + Instant.now() + " ===\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            logOffset = Files.size(logFile);
            List<String> cmd = LocalBinaryProvider.serverCommand(serverBinary, dir, port, spec.serverId(), readOnly,
                    asRoot, footprint);
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + spec.name() + " (" + serverBinary + ")", e);
        }
        lastPid = process.pid();
        StaleTopologyCleaner.writeNodePidFile(dir, lastPid, dataDir(dir));
        awaitReady(logOffset);
    }

    /** Polls a root login until it works, the process dies, or the startup deadline passes. */
    private void awaitReady(long logOffset) {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        SQLException lastError = null;
        while (true) {
            if (!process.isAlive()) {
                String log = readFrom(logOffset);
                if (log.contains("Address already in use")) {
                    throw new PortClashException(spec.name() + " could not bind port " + port);
                }
                throw new IllegalStateException(spec.name() + " exited with code " + process.exitValue()
                        + " while starting on port " + port + ". Log tail (" + logFile + "):\n" + tail(logFile, 30));
            }
            try (Connection c = DriverManager.getConnection("jdbc:mysql://" + HOST + ":" + port + "/",
                    adminProperties());
                    java.sql.Statement statement = c.createStatement();
                    java.sql.ResultSet rs = statement.executeQuery("SELECT @@server_id")) {
                // Nodes start in parallel: another node's server may hold this port while ours is
                // still failing to bind it. Only our own server id means ready.
                if (rs.next() && rs.getLong(1) == spec.serverId()) {
                    return;
                }
                lastError = new SQLException("port " + port + " is answered by another server");
            } catch (SQLException e) {
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(spec.name() + " did not accept connections on port " + port
                        + " within " + startupTimeout + " (last error: " + lastError.getMessage() + "). Log tail ("
                        + logFile + "):\n" + tail(logFile, 30));
            }
            if (Thread.currentThread().isInterrupted()) {
                kill();
                throw new IllegalStateException(spec.name() + ": interrupted while starting");
            }
            sleep(50);
        }
    }

    private Properties adminProperties() {
        Properties p = new Properties();
        p.setProperty("user", adminUser());
        p.setProperty("password", adminPassword());
        p.setProperty("connectTimeout", "1000");
        // short: until our server binds, whoever holds the port (a port clash) may accept and never answer
        p.setProperty("socketTimeout", "1000");
        return p;
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public synchronized int port() {
        return port;
    }

    @Override
    public String replicationHost() {
        return HOST;
    }

    @Override
    public int replicationPort() {
        return port();
    }

    @Override
    public String adminUser() {
        return "root";
    }

    @Override
    public String adminPassword() {
        return ""; // the server only listens on 127.0.0.1 and lives for one test run
    }

    @Override
    public synchronized long pid() {
        return lastPid;
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly(); // SIGKILL; also ends a SIGSTOPped process
            waitForExit(Duration.ofSeconds(10));
        }
    }

    @Override
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            signal("CONT"); // a frozen server cannot handle SIGTERM
            process.destroy(); // SIGTERM: clean shutdown
            if (!waitForExit(Duration.ofSeconds(30))) {
                kill();
            }
        }
    }

    @Override
    public synchronized void freeze() {
        requireRunning();
        signal("STOP");
    }

    @Override
    public synchronized void thaw() {
        requireRunning();
        signal("CONT");
    }

    @Override
    public String logTail() {
        return tail(logFile, 30);
    }

    @Override
    public synchronized void destroy() {
        if (destroyed) {
            return;
        }
        kill();
        destroyed = true;
        StaleTopologyCleaner.deleteRecursively(dir);
    }

    @Override
    public String toString() {
        return spec.name() + "@" + HOST + ":" + port;
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The JDK can only TERM/KILL processes; STOP/CONT go through kill(1). */
    private void signal(String name) {
        try {
            Process p = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot send SIG" + name + " to " + spec.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while signalling " + spec.name(), e);
        }
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException(spec.name() + " is not running");
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException(spec.name() + " was destroyed with its topology");
        }
    }

    private String readFrom(long offset) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            if (len <= offset) {
                return "";
            }
            byte[] buf = new byte[(int) Math.min(len - offset, 1 << 20)];
            f.seek(offset);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Last {@code lines} lines of a text file, or a note if it cannot be read. */
    static String tail(Path file, int lines) {
        try {
            Deque<String> last = new ArrayDeque<>();
            // decode leniently: server logs may contain bytes that are not UTF-8
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                last.addLast(line);
                if (last.size() > lines) {
                    last.removeFirst();
                }
            }
            return String.join("\n", last);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server could not bind its port: someone else took it between our probe and its bind. */
    private static final class PortClashException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortClashException(String message) {
            super(message);
        }
    }
}
