package dev.shardline.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Removes topology directories left behind by test JVMs that died without cleaning up (SIGKILL, OOM, a CI
 * timeout), and kills the database servers still running in them.
 *
 * <p>Layout it relies on: every test JVM owns one root directory {@code <base>/<pid>-<random>/} holding an
 * {@value #OWNER_FILE} file (owner pid and start time); every node directory below it holds a
 * {@value #NODE_PID_FILE} file (server pid and data directory). A root is stale when its owner process is gone
 * (or the pid was reused by a process that started later). A recorded server pid is killed only if
 * {@code /proc/<pid>/cmdline} still mentions the recorded data directory, so a reused pid is never hit.
 *
 * <p>JDK only on purpose: CI runs it with a bare {@code java -cp test-support/target/classes
 * dev.shardline.test.StaleTopologyCleaner [baseDir]} after the build.
 */
public final class StaleTopologyCleaner {

    /** Default base directory of all harness root directories. */
    public static final Path DEFAULT_BASE = Path.of("/tmp/shardline-it");

    /** Name of the file recording the owning JVM of a root directory. */
    public static final String OWNER_FILE = "owner.pid";

    /** Name of the file recording a node's server pid and data directory. */
    public static final String NODE_PID_FILE = "node.pid";

    /** A root without an owner file is only removed when older than this: its owner may be writing it now. */
    private static final Duration ORPHAN_GRACE = Duration.ofMinutes(10);

    private StaleTopologyCleaner() {
    }

    /**
     * What a cleanup pass did.
     *
     * @param removedDirectories stale root directories deleted
     * @param killedPids         server processes killed
     */
    public record Report(List<Path> removedDirectories, List<Long> killedPids) {
    }

    /**
     * Cleans the base directory {@code args[0]} (default {@code /tmp/shardline-it}) and prints what it did.
     *
     * @param args optional base directory
     */
    public static void main(String[] args) {
        Path base = args.length > 0 ? Path.of(args[0]) : DEFAULT_BASE;
        Report report = cleanStale(base);
        System.out.println("shardline stale cleanup of " + base + ": removed " + report.removedDirectories().size()
                + " directories " + report.removedDirectories() + ", killed pids " + report.killedPids());
    }

    /**
     * Removes every stale root directory under {@code base}; live owners' directories are left alone.
     * Safe to run concurrently from several JVMs (losing a deletion race is not an error).
     *
     * @param base base directory, e.g. {@link #DEFAULT_BASE}
     * @return what was removed and killed
     */
    public static Report cleanStale(Path base) {
        List<Path> removed = new ArrayList<>();
        List<Long> killed = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            return new Report(removed, killed);
        }
        try (DirectoryStream<Path> roots = Files.newDirectoryStream(base, Files::isDirectory)) {
            for (Path root : roots) {
                if (isStale(root)) {
                    killed.addAll(killNodeProcesses(root));
                    deleteRecursively(root);
                    removed.add(root);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot scan " + base, e);
        }
        return new Report(removed, killed);
    }

    /**
     * Whether a root directory's owner JVM is gone.
     *
     * @param root a root directory
     * @return true if it may be deleted
     */
    public static boolean isStale(Path root) {
        Path ownerFile = root.resolve(OWNER_FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(ownerFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return olderThan(root, ORPHAN_GRACE);
        } catch (IOException e) {
            return false;
        }
        if (lines.isEmpty()) {
            return olderThan(root, ORPHAN_GRACE);
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return olderThan(root, ORPHAN_GRACE);
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(pid).filter(p -> isLiveProcess(p.pid()));
        if (owner.isEmpty()) {
            return true;
        }
        // Same pid but a later start time means the pid was reused: the original owner is dead.
        if (lines.size() > 1 && !lines.get(1).isBlank()) {
            long recordedStart = Long.parseLong(lines.get(1).trim());
            Optional<Instant> start = owner.get().info().startInstant();
            return start.isPresent() && Math.abs(start.get().toEpochMilli() - recordedStart) > 2_000;
        }
        return false;
    }

    /**
     * Records the current JVM as owner of {@code root} (pid and start time), atomically so a concurrent
     * cleaner never sees a half-written file.
     *
     * @param root the root directory just created
     */
    public static void writeOwnerFile(Path root) {
        ProcessHandle self = ProcessHandle.current();
        String content = self.pid() + "\n"
                + self.info().startInstant().map(i -> String.valueOf(i.toEpochMilli())).orElse("") + "\n";
        writeAtomically(root.resolve(OWNER_FILE), content);
    }

    /**
     * Records a node's server pid and data directory so a cleaner can kill it if its JVM dies.
     *
     * @param nodeDir node directory
     * @param pid     server pid
     * @param dataDir data directory passed to the server (its cmdline must contain it)
     */
    public static void writeNodePidFile(Path nodeDir, long pid, Path dataDir) {
        writeAtomically(nodeDir.resolve(NODE_PID_FILE), pid + "\n" + dataDir.toAbsolutePath() + "\n");
    }

    /** Kills every node process recorded below {@code root} whose cmdline still names its data directory. */
    static List<Long> killNodeProcesses(Path root) {
        List<Long> killed = new ArrayList<>();
        List<Path> pidFiles;
        try (Stream<Path> files = Files.walk(root, 4)) {
            pidFiles = files.filter(p -> p.getFileName().toString().equals(NODE_PID_FILE)).toList();
        } catch (IOException | UncheckedIOException e) {
            return killed; // a concurrent cleaner is deleting it
        }
        for (Path pidFile : pidFiles) {
            try {
                List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
                long pid = Long.parseLong(lines.get(0).trim());
                String dataDir = lines.size() > 1 && !lines.get(1).isBlank()
                        ? lines.get(1).trim() : pidFile.getParent().toAbsolutePath().toString();
                if (cmdlineMentions(pid, dataDir) && killAndWait(pid)) {
                    killed.add(pid);
                }
            } catch (IOException | RuntimeException e) {
                // unreadable or vanished pid file: nothing we can safely kill
            }
        }
        return killed;
    }

    /** Whether {@code /proc/<pid>/cmdline} contains {@code text}. */
    static boolean cmdlineMentions(long pid, String text) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String cmdline = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
            return cmdline.contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean killAndWait(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return false;
        }
        handle.get().destroyForcibly(); // SIGKILL also ends a SIGSTOPped (frozen) server
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (isLiveProcess(pid) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return true;
    }

    /**
     * Whether {@code pid} is a running process. A zombie counts as dead: a killed JVM or server whose parent
     * is gone waits for pid 1 to reap it, which in containers (e.g. a shell as pid 1) may take seconds or never
     * happen, while {@link ProcessHandle#isAlive()} still reports it alive.
     *
     * @param pid process id
     * @return true if it exists and is not a zombie
     */
    public static boolean isLiveProcess(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String content = Files.readString(stat, StandardCharsets.UTF_8);
            int end = content.lastIndexOf(')'); // the command name may itself contain ')' or spaces
            char state = end >= 0 && end + 2 < content.length() ? content.charAt(end + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); // no procfs
        }
    }

    private static boolean olderThan(Path dir, Duration age) {
        try {
            Instant modified = Files.getLastModifiedTime(dir).toInstant();
            return modified.isBefore(Instant.now().minus(age));
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeAtomically(Path target, String content) {
        try {
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + target, e);
        }
    }

    /**
     * Deletes a directory tree, tolerating files that vanish meanwhile (a concurrent cleaner, a dying server).
     *
     * @param dir directory to delete; nothing happens if it does not exist
     */
    public static void deleteRecursively(Path dir) {
        // A few passes: a server killed a moment ago may still flush a file into a directory we just emptied.
        for (int attempt = 0; attempt < 3 && Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS); attempt++) {
            try {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                        try {
                            Files.deleteIfExists(d);
                        } catch (DirectoryNotEmptyException e) {
                            // retried by the next pass
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete " + dir, e);
            }
        }
    }
}
