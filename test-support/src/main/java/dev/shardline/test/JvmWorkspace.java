package dev.shardline.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide state of the harness, kept deliberately small: the per-JVM root directory, the template data
 * directories built in it, and the registry of open topologies the shutdown hook closes.
 *
 * <p>Why static: the template must be built once per JVM (not once per topology) for speed, and a shutdown hook is
 * inherently JVM-wide. Everything else lives in {@link MySqlTopology} instances.
 *
 * <p>The root is {@code <base>/<pid>-<random>/} (base: system property {@code shardline.it.base}, default
 * {@code /tmp/shardline-it}) so test JVMs running side by side never share files, and paths stay short enough
 * for unix sockets (108 bytes).
 */
final class JvmWorkspace {

    private static final Logger log = LoggerFactory.getLogger(JvmWorkspace.class);

    /** System property overriding the base directory. */
    static final String BASE_PROPERTY = "shardline.it.base";

    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();
    private static final Map<String, Path> TEMPLATES = new ConcurrentHashMap<>();
    private static final AtomicInteger TOPOLOGY_COUNTER = new AtomicInteger();
    private static final AtomicInteger TEMPLATE_COUNTER = new AtomicInteger();
    private static Path root;

    private JvmWorkspace() {
    }

    static Path base() {
        return Path.of(System.getProperty(BASE_PROPERTY, StaleTopologyCleaner.DEFAULT_BASE.toString()));
    }

    /** This JVM's root directory, created (with owner file and shutdown hook) on first use. */
    static synchronized Path root() {
        if (root == null) {
            Path base = base();
            try {
                Files.createDirectories(base);
                String name = ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(randomBytes());
                Path dir = Files.createDirectory(base.resolve(name));
                StaleTopologyCleaner.writeOwnerFile(dir);
                root = dir;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the harness directory under " + base, e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(JvmWorkspace::shutdown, "shardline-topology-cleanup"));
        }
        return root;
    }

    /** A fresh, short-named directory for one topology, e.g. {@code <root>/t3}. */
    static Path newTopologyDir() {
        try {
            return Files.createDirectory(root().resolve("t" + TOPOLOGY_COUNTER.incrementAndGet()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Template data directory for {@code key}, built once per JVM by {@code builder} (given the target dir). */
    static Path template(String key, Function<Path, Path> builder) {
        return TEMPLATES.computeIfAbsent(key,
                k -> builder.apply(root().resolve("tpl" + TEMPLATE_COUNTER.getAndIncrement())));
    }

    /** Registers an open topology so a JVM exit closes it even if the test forgot to. */
    static void register(AutoCloseable topology) {
        root(); // make sure the hook exists before any process is started
        OPEN.add(topology);
    }

    /** Unregisters a closed topology. */
    static void unregister(AutoCloseable topology) {
        OPEN.remove(topology);
    }

    /** Removes other JVMs' stale roots (never ours: our owner file names a live process). */
    static void cleanStaleRoots() {
        try {
            StaleTopologyCleaner.Report report = StaleTopologyCleaner.cleanStale(base());
            if (!report.removedDirectories().isEmpty()) {
                log.info("Removed stale topology directories {} (killed server pids {})",
                        report.removedDirectories(), report.killedPids());
            }
        } catch (RuntimeException e) {
            log.warn("Stale topology cleanup failed; continuing", e);
        }
    }

    private static void shutdown() {
        for (AutoCloseable topology : OPEN.toArray(AutoCloseable[]::new)) {
            try {
                topology.close();
            } catch (Exception e) {
                // best effort: the stale cleaner of the next run kills anything left
            }
        }
        Path dir;
        synchronized (JvmWorkspace.class) {
            dir = root;
        }
        if (dir != null) {
            StaleTopologyCleaner.killNodeProcesses(dir);
            StaleTopologyCleaner.deleteRecursively(dir);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
