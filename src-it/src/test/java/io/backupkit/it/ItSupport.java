package io.backupkit.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Shared helpers of the integration tests: the CLI and other tools as child processes (always with a timeout, killed
 * with their descendants when it passes), trees generated from a fixed seed, and tree descriptions to compare.
 *
 * <pre>{@code
 * ItSupport.Run r = ItSupport.cli("backup", "--source", src.toString(), "--dest", dest.toString());
 * assertThat(r.exit()).as(r.describe()).isZero();
 * ItSupport.assertSameTree(ItSupport.describe(restored), ItSupport.describe(src), ItSupport.Times.MILLIS);
 * }</pre>
 */
final class ItSupport {

    /** Default time limit of one CLI call. */
    static final Duration CLI_TIMEOUT = Duration.ofSeconds(90);

    /** Prefix of every error line of the CLI. */
    static final String ERROR_PREFIX = "backupkit: error: ";

    static final ObjectMapper JSON = new ObjectMapper();

    /** The first mtime given to generated entries; carries milliseconds on purpose. */
    private static final long BASE_MTIME_MILLIS = 1_700_000_000_123L;

    private ItSupport() {
    }

    // ------------------------------------------------------------------ processes

    /** What a finished process left: exit code and its whole output. */
    record Run(List<String> command, int exit, String stdout, String stderr, Duration took) {

        /** Everything needed to understand a failed assertion. */
        String describe() {
            return "command " + command + " exited " + exit + " after " + took.toMillis() + " ms\n--- stdout ---\n"
                    + stdout + "\n--- stderr ---\n" + stderr;
        }

        List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        List<String> stderrLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }

        JsonNode stdoutJson() {
            try {
                return JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + e.getMessage() + "\n" + describe(), e);
            }
        }
    }

    /** A process running in the background; closing it kills it (and its children) if it is still alive. */
    static final class Background implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;
        private final Instant started = Instant.now();

        private Background(List<String> command, Process process, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        Process process() {
            return process;
        }

        long pid() {
            return process.pid();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        String stdoutSoFar() {
            return read(out);
        }

        String stderrSoFar() {
            return read(err);
        }

        /** Kills the process with SIGKILL (Linux) and waits until it is gone. */
        void kill() {
            killTree(process);
        }

        /**
         * Waits for the process to end by itself; kills it and fails the test when the timeout passes first.
         */
        Run await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    killTree(process);
                    fail("timed out after " + timeout.toSeconds() + " s and killed: " + describeSoFar());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(process);
                throw new AssertionError("interrupted while waiting for " + command, e);
            }
            return new Run(command, process.exitValue(), read(out), read(err),
                    Duration.between(started, Instant.now()));
        }

        String describeSoFar() {
            return "command " + command + (process.isAlive() ? " (running)" : " exited " + process.exitValue())
                    + "\n--- stdout ---\n" + read(out) + "\n--- stderr ---\n" + read(err);
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                killTree(process);
            }
            try {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            } catch (IOException e) {
                // temporary files only
            }
        }
    }

    /** @return the shaded CLI jar under test; fails the test when it has not been built */
    static Path jar() {
        String property = System.getProperty("backupkit.jar");
        assertThat(property).as("system property backupkit.jar (set by the failsafe configuration)").isNotBlank();
        Path jar = Path.of(property).toAbsolutePath().normalize();
        assertThat(jar).as("the CLI jar; build it with mvn install -pl backup-examples").isRegularFile();
        return jar;
    }

    /** @return a tool of the JDK running the tests, e.g. {@code java} or {@code jshell} */
    static Path jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name);
    }

    /** @return the command line that runs the CLI with the given arguments */
    static List<String> cliCommand(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(jdkTool("java").toString());
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** Runs the CLI and waits for it, at most {@link #CLI_TIMEOUT}. */
    static Run cli(String... args) {
        return run(cliCommand(args), CLI_TIMEOUT);
    }

    /** Runs any command and waits for it, at most {@code timeout}. */
    static Run run(List<String> command, Duration timeout) {
        try (Background b = start(command)) {
            return b.await(timeout);
        }
    }

    /** Starts a command in the background, its output captured in temporary files. */
    static Background start(List<String> command) {
        try {
            Path out = Files.createTempFile("backupkit-it-", ".out");
            Path err = Files.createTempFile("backupkit-it-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().put("LC_ALL", "C.UTF-8");
            pb.environment().put("LANG", "C.UTF-8");
            return new Background(List.copyOf(command), pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("process " + process.pid() + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    /**
     * Polls until {@code condition} holds; fails when {@code timeout} passes or when {@code process} ends first.
     */
    static void await(String what, Duration timeout, Background process, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (process != null && !process.isAlive()) {
                if (condition.getAsBoolean()) {
                    return;
                }
                fail("the process ended before " + what + ": " + process.describeSoFar());
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (process == null ? "" : ": " + process.describeSoFar()));
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** @return the names in {@code dir} matching a glob, sorted; none when it does not exist */
    static List<Path> list(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException e) {
            // the folder may be renamed while we look (a snapshot being completed): same as not there
            return List.of();
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** @return the number of units an unfinished snapshot in {@code dest} has recorded as finished */
    static int finishedUnits(Path dest) {
        int max = 0;
        for (Path partial : list(dest, "*.partial")) {
            int n = (int) list(partial.resolve("state"), "*.json").stream()
                    .filter(p -> p.getFileName().toString().endsWith(".json")).count();
            max = Math.max(max, n);
        }
        return max;
    }

    // ------------------------------------------------------------------ trees

    /**
     * Writes a tree that looks like a media-server data folder and holds what archivers get wrong: nested folders,
     * Unicode and space-filled names, a path over 260 characters, empty folders, symlinks to files and folders, an
     * executable (0750) and private (0600) files, incompressible {@code .jpg} and compressible {@code .xml} files,
     * an empty file. Content and times come from a fixed seed.
     */
    static void writeMediaTree(Path root, long seed) throws IOException {
        Random random = new Random(seed);
        Files.createDirectories(root);
        // loose files at the root
        Files.writeString(root.resolve("Preferences.xml"), xml(random, 2_000));
        Files.write(root.resolve("cover.jpg"), bytes(random, 150_000));
        Path exec = root.resolve("start server.sh");
        Files.writeString(exec, "#!/bin/sh\nexec echo started \"$@\"\n");
        mode(exec, "rwxr-x---");
        Files.createSymbolicLink(root.resolve("current.xml"), Path.of("Preferences.xml"));
        Files.write(root.resolve("empty.dat"), new byte[0]);

        // Metadata: nested, Unicode names, jpg + xml, a link to a folder
        Path film = root.resolve("Metadata/Movies/Ünïcödé Fïlm – 日本語 (2019)");
        Files.createDirectories(film);
        Files.write(film.resolve("poster.jpg"), bytes(random, 300_000));
        Files.write(film.resolve("fanart.JPG"), bytes(random, 120_000));
        Files.writeString(film.resolve("Info.xml"), xml(random, 20_000));
        Files.writeString(film.resolve("émoji 🎬 notes.xml"), xml(random, 500));
        Files.createSymbolicLink(root.resolve("Metadata/Movies/latest"), Path.of(film.getFileName().toString()));
        Files.createDirectories(root.resolve("Metadata/TV Shows/Empty Season"));
        Path secret = root.resolve("Metadata/Movies/token.key");
        Files.write(secret, bytes(random, 64));
        mode(secret, "rw-------");

        // names full of spaces, and a link to a file in another top-level folder
        Path spaces = root.resolve("Media Files/  two  leading and trailing  ");
        Files.createDirectories(spaces);
        Files.writeString(spaces.resolve("a file   with   spaces .xml"), xml(random, 5_000));
        Files.write(spaces.resolve(" thumb 01.jpg"), bytes(random, 80_000));
        Files.createSymbolicLink(root.resolve("Media Files/poster link.jpg"),
                Path.of("../Metadata/Movies").resolve(film.getFileName()).resolve("poster.jpg"));
        Path privateDir = root.resolve("Media Files/private");
        Files.createDirectories(privateDir);
        Files.writeString(privateDir.resolve("notes.xml"), xml(random, 3_000));
        mode(privateDir, "rwxr-x---");

        // a path of more than 260 characters (each name below the 255-byte limit)
        Path deep = root.resolve("Cache/PhotoTranscoder");
        for (int i = 0; i < 5; i++) {
            deep = deep.resolve(String.format("%02d-", i) + "a-rather-long-folder-name-like-plex-bundles-have-"
                    + "0123456789abcdef0123456789");
        }
        Files.createDirectories(deep);
        Path longFile = deep.resolve("thumbnail-with-a-long-name-0123456789abcdef0123456789abcdef.jpg");
        Files.write(longFile, bytes(random, 40_000));
        assertThat(root.relativize(longFile).toString().length()).as("long path length").isGreaterThan(260);

        // an empty top-level folder and a folder holding only compressible data
        Files.createDirectories(root.resolve("Crash Reports"));
        Path db = root.resolve("Plug-in Support/Databases");
        Files.createDirectories(db);
        for (int i = 0; i < 6; i++) {
            Files.writeString(db.resolve("library-" + i + ".xml"), xml(random, 30_000));
        }
        setTimes(root, random);
    }

    /**
     * Writes {@code folders} top-level folders of {@code files} random (incompressible, slow to deflate) files of
     * {@code size} bytes each, plus two small files at the root.
     */
    static void writeRandomTree(Path root, long seed, int folders, int files, int size) throws IOException {
        Random random = new Random(seed);
        Files.createDirectories(root);
        Files.writeString(root.resolve("Preferences.xml"), xml(random, 1_000));
        Files.write(root.resolve("machine.id"), bytes(random, 32));
        byte[] buffer = new byte[size];
        for (int f = 0; f < folders; f++) {
            Path dir = root.resolve(String.format("Folder %02d", f));
            Files.createDirectories(dir);
            for (int i = 0; i < files; i++) {
                random.nextBytes(buffer);
                Files.write(dir.resolve(String.format("data %02d.bin", i)), buffer);
            }
        }
        setTimes(root, random);
    }

    private static String xml(Random random, int approxChars) {
        String[] words = {"Movie", "Show", "Season", "Episode", "Library", "agent", "guid", "rating", "summary"};
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MediaContainer>\n");
        while (sb.length() < approxChars) {
            sb.append("  <Item key=\"").append(random.nextInt(100_000)).append("\" type=\"")
                    .append(words[random.nextInt(words.length)]).append("\" title=\"")
                    .append(words[random.nextInt(words.length)]).append(' ')
                    .append(words[random.nextInt(words.length)]).append("\"/>\n");
        }
        return sb.append("</MediaContainer>\n").toString();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static void mode(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    /** Gives every file and folder a distinct mtime with milliseconds; folders last, deepest first. */
    private static void setTimes(Path root, Random random) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.filter(p -> !p.equals(root)).sorted(Comparator.reverseOrder()).toList();
        }
        long t = BASE_MTIME_MILLIS;
        for (Path p : all) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(t + random.nextInt(1_000_000_000)));
            }
        }
        for (Path p : all) { // reverse order: children before their folder
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(t + random.nextInt(1_000_000_000)));
            }
        }
    }

    // ------------------------------------------------------------------ describing and comparing trees

    /** One entry of a tree. Links have no content, size, mode or time here (their target is what counts). */
    record Node(String type, long size, String sha256, long mtimeMillis, int mode, String linkTarget) {
    }

    /** How precisely to compare modification times. */
    enum Times {
        /** Files and folders to the millisecond. */
        MILLIS,
        /** Files and folders to the second (zip's extended timestamp). */
        SECONDS,
        /** Not at all. */
        IGNORE
    }

    /** @return every entry below {@code root} (not {@code root} itself), by '/'-separated relative path */
    static SortedMap<String, Node> describe(Path root) throws IOException {
        SortedMap<String, Node> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    out.put(rel(root, dir), new Node("dir", 0, null, attrs.lastModifiedTime().toMillis(),
                            mode(dir), null));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    out.put(rel(root, file), new Node("link", 0, null, 0, 0,
                            Files.readSymbolicLink(file).toString()));
                } else if (attrs.isRegularFile()) {
                    out.put(rel(root, file), new Node("file", attrs.size(), sha256(file),
                            attrs.lastModifiedTime().toMillis(), mode(file), null));
                } else {
                    out.put(rel(root, file), new Node("other", 0, null, 0, 0, null));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Asserts two tree descriptions are equal: same paths, types, sizes, content hashes, POSIX modes, link targets
     * and, as {@code times} says, modification times. Lists every difference in the failure message.
     */
    static void assertSameTree(String what, Map<String, Node> actual, Map<String, Node> expected, Times times) {
        List<String> differences = new ArrayList<>();
        Set<String> paths = new TreeSet<>(expected.keySet());
        paths.addAll(actual.keySet());
        for (String path : paths) {
            Node e = expected.get(path);
            Node a = actual.get(path);
            if (a == null) {
                differences.add("missing " + path + " " + e);
            } else if (e == null) {
                differences.add("unexpected " + path + " " + a);
            } else if (!normalize(a, times).equals(normalize(e, times))) {
                differences.add(path + ": expected " + normalize(e, times) + " but was " + normalize(a, times));
            }
        }
        assertThat(differences).as(what + " (" + actual.size() + " entries, expected " + expected.size() + ")")
                .isEmpty();
    }

    private static Node normalize(Node n, Times times) {
        long t = switch (times) {
            case MILLIS -> n.mtimeMillis();
            case SECONDS -> Math.floorDiv(n.mtimeMillis(), 1000L) * 1000L;
            case IGNORE -> 0;
        };
        return new Node(n.type(), n.size(), n.sha256(), t, n.mode(), n.linkTarget());
    }
}
