package io.backupkit.sqlite;

import io.backupkit.spi.DatabaseCapture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures SQLite databases with SQLite's online backup API (through sqlite-jdbc and its bundled natives) and checks
 * restored ones with {@code PRAGMA quick_check}. Id {@code sqlite}; registered in {@code META-INF/services}.
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlan.builder().source(sonarrData).destination(nas)
 *     .database("*.db")                 // sonarr.db, logs.db: captured, never copied raw
 *     .build();                         // SqliteCapture is found through ServiceLoader
 *
 * new SqliteCapture().capture(Path.of("sonarr.db"), Path.of("/tmp/copy.db"));   // or on its own
 * }</pre>
 *
 * <ul>
 *   <li><b>Capture.</b> The live database is opened read-only with a busy timeout of
 *       {@link #DEFAULT_BUSY_TIMEOUT} and copied in a single backup step: one read transaction sees every
 *       transaction committed before it began, whether it is in the file or still in its {@code -wal}, and nothing
 *       uncommitted. A single step never restarts when another connection writes (a stepped backup would); in WAL
 *       mode it does not block the writers either. A copy that fails (the database is busy or locked, for example
 *       in rollback-journal mode while another process writes) is deleted and tried again, up to
 *       {@link #DEFAULT_ATTEMPTS} times, {@link #DEFAULT_RETRY_WAIT} apart.</li>
 *   <li><b>Recognition.</b> {@link #accepts(Path)} asks SQLite itself to read the schema version, so the live
 *       file is never opened raw by this JVM (a host that holds the database open would lose its POSIX locks when a
 *       raw descriptor closes). An empty file is an empty database to SQLite and is accepted.</li>
 *   <li><b>Check.</b> {@link #check(Path)} runs {@code PRAGMA quick_check} and fails with its first lines. It is not
 *       {@code integrity_check}: Plex's FTS tables can make a stock SQLite's full check report problems that Plex's
 *       own build does not. Files SQLite creates beside the checked copy are removed afterwards.</li>
 *   <li><b>Companions.</b> {@code NAME-wal}, {@code NAME-shm} and {@code NAME-journal}.</li>
 * </ul>
 */
public final class SqliteCapture implements DatabaseCapture {

    /** How long a connection waits for a lock before SQLite reports the database busy. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
    /** How many times a capture is tried before it fails. */
    public static final int DEFAULT_ATTEMPTS = 5;
    /** The wait between two capture attempts. */
    public static final Duration DEFAULT_RETRY_WAIT = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(SqliteCapture.class);
    private static final List<String> SUFFIXES = List.of("-wal", "-shm", "-journal");
    private static final int ALL_PAGES = -1;
    private static final int MAX_REPORTED_ROWS = 5;

    /** Used by {@link java.util.ServiceLoader}. */
    public SqliteCapture() {
    }

    @Override
    public String id() {
        return "sqlite";
    }

    @Override
    public boolean accepts(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Connection c = open(file); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA schema_version")) {
            return rs.next();
        } catch (SQLException e) {
            LOG.debug("{} is not a SQLite database: {}", file, e.getMessage());
            return false;
        }
    }

    @Override
    public void capture(Path live, Path copy) throws IOException {
        if (!Files.isRegularFile(live, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(live.toString());
        }
        SQLException last = null;
        for (int attempt = 1; attempt <= DEFAULT_ATTEMPTS; attempt++) {
            try (Connection c = open(live)) {
                ((SQLiteConnection) c).getDatabase().backup("main", copy.toString(), null,
                        100, (int) (DEFAULT_BUSY_TIMEOUT.toMillis() / 100), ALL_PAGES);
                return;
            } catch (SQLException e) {
                last = e;
                deleteCopy(copy);
                LOG.warn("Capturing SQLite database {} failed (attempt {} of {}): {}", live, attempt,
                        DEFAULT_ATTEMPTS, e.getMessage());
                if (attempt < DEFAULT_ATTEMPTS) {
                    pause(live);
                }
            }
        }
        throw new IOException("SQLite backup of " + live + " failed after " + DEFAULT_ATTEMPTS + " attempts: "
                + last.getMessage(), last);
    }

    @Override
    public List<String> companions(String fileName) {
        List<String> out = new ArrayList<>(SUFFIXES.size());
        for (String suffix : SUFFIXES) {
            out.add(fileName + suffix);
        }
        return List.copyOf(out);
    }

    @Override
    public void check(Path restored) throws IOException {
        List<Path> created = new ArrayList<>();
        for (String name : companions(restored.getFileName().toString())) {
            Path p = restored.resolveSibling(name);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                created.add(p);
            }
        }
        List<String> rows = new ArrayList<>();
        try (Connection c = open(restored); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            while (rs.next() && rows.size() < MAX_REPORTED_ROWS) {
                rows.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IOException("SQLite cannot read " + restored + ": " + e.getMessage(), e);
        } finally {
            for (Path p : created) {
                Files.deleteIfExists(p);
            }
        }
        if (!rows.equals(List.of("ok"))) {
            throw new IOException("PRAGMA quick_check of " + restored + " reports: " + String.join("; ", rows));
        }
    }

    /** Opens a database read-only with the busy timeout, through the driver class (no DriverManager lookup). */
    private static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout((int) DEFAULT_BUSY_TIMEOUT.toMillis());
        Connection c = JDBC.createConnection(JDBC.PREFIX + file.toAbsolutePath(), config.toProperties());
        if (c == null) {
            throw new SQLException("sqlite-jdbc refused the URL for " + file);
        }
        return c;
    }

    private static void deleteCopy(Path copy) {
        try {
            Files.deleteIfExists(copy);
            for (String suffix : SUFFIXES) {
                Files.deleteIfExists(copy.resolveSibling(copy.getFileName() + suffix));
            }
        } catch (IOException e) {
            LOG.warn("Could not remove the failed copy {}: {}", copy, e.toString());
        }
    }

    private static void pause(Path live) throws IOException {
        try {
            Thread.sleep(DEFAULT_RETRY_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to capture " + live + " again", e);
        }
    }
}
