package io.backupkit.sqlite;

import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.InvalidPlanException;
import io.backupkit.RestoreException;
import io.backupkit.RestoreRequest;
import io.backupkit.spi.DatabaseCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Enumeration;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteCaptureTest {

    @TempDir
    Path tmp;

    private Process writer;

    @AfterEach
    void tearDown() throws Exception {
        if (writer != null && writer.isAlive()) {
            writer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Connection connect(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    private static long query(Path db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(Path db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void create(Path db) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, v TEXT)");
            st.execute("CREATE TABLE counter(n INTEGER)");
            st.execute("INSERT INTO counter VALUES (0)");
        }
    }

    @Test
    void shouldBeFoundThroughServiceLoader() {
        assertThat(ServiceLoader.load(DatabaseCapture.class).stream().map(p -> p.get().id())).contains("sqlite");
    }

    @Test
    void shouldCaptureCommittedRowsStillInTheWalAndNothingUncommitted() throws Exception {
        Path db = tmp.resolve("app.db");
        create(db);
        try (Connection a = connect(db); Statement st = a.createStatement();
             Connection b = connect(db); Statement sb = b.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint=0");
            for (int i = 0; i < 50; i++) {
                st.executeUpdate("INSERT INTO items(v) VALUES ('committed " + i + "')");
            }
            b.setAutoCommit(false);
            sb.executeUpdate("INSERT INTO items(v) VALUES ('uncommitted')");
            assertThat(Files.size(tmp.resolve("app.db-wal"))).isPositive();

            Path copy = Files.createDirectories(tmp.resolve("copy")).resolve("app.db");
            new SqliteCapture().capture(db, copy);

            assertThat(query(copy, "SELECT count(*) FROM items")).isEqualTo(50);
            assertThat(query(copy, "SELECT count(*) FROM items WHERE v = 'uncommitted'")).isZero();
            assertThat(text(copy, "PRAGMA integrity_check")).isEqualTo("ok");
            b.rollback();
        }
    }

    @Test
    void shouldAcceptSqliteFilesOnly() throws Exception {
        Path db = tmp.resolve("app.db");
        create(db);
        Files.writeString(tmp.resolve("Thumbs.db"), "not a database, but long enough to have a header");
        SqliteCapture capture = new SqliteCapture();

        assertThat(capture.accepts(db)).isTrue();
        assertThat(capture.accepts(tmp.resolve("Thumbs.db"))).isFalse();
        assertThat(capture.accepts(tmp.resolve("missing.db"))).isFalse();
        assertThat(capture.companions("app.db")).containsExactly("app.db-wal", "app.db-shm", "app.db-journal");
    }

    @Test
    void shouldBackUpADatabaseThatAnotherProcessKeepsWritingAndRestoreAConsistentCopy() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("source/data"));
        Path db = source.resolve("app.db");
        create(db);
        Path stop = tmp.resolve("stop");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SqliteWriter.class.getName(), db.toString(), stop.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("writer.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (query(db, "SELECT n FROM counter") < 200) {
            assertThat(writer.isAlive()).as("writer runs: " + Files.readString(tmp.resolve("writer.log"))).isTrue();
            assertThat(System.nanoTime()).as("writer makes progress").isLessThan(deadline);
            Thread.sleep(20);
        }
        BackupPlan plan = BackupPlan.builder().source(tmp.resolve("source")).destination(tmp.resolve("dest"))
                .database("data/*.db").build();

        BackupResult r = plan.backup();
        long afterBackup = query(db, "SELECT n FROM counter");
        Files.createFile(stop);
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).as(Files.readString(tmp.resolve("writer.log"))).isZero();

        String index = Files.readString(tmp.resolve("dest").resolve(r.snapshotId()).resolve("index/data.jsonl"));
        assertThat(index).contains("data/app.db\"").doesNotContain("-wal").doesNotContain("-shm");
        Path target = tmp.resolve("target");
        plan.restore(RestoreRequest.latest().target(target));
        Path restored = target.resolve("data/app.db");
        assertThat(text(restored, "PRAGMA integrity_check")).isEqualTo("ok");
        long rows = query(restored, "SELECT count(*) FROM items");
        assertThat(rows).isEqualTo(query(restored, "SELECT n FROM counter")).isGreaterThanOrEqualTo(200)
                .isLessThanOrEqualTo(afterBackup);
    }

    @Test
    void shouldFailTheRestoreBeforeTheSwapWhenTheDatabaseIsDamaged() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("source/data"));
        Path db = source.resolve("app.db");
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, v TEXT)");
            for (int i = 0; i < 500; i++) {
                st.executeUpdate("INSERT INTO items(v) VALUES ('" + "v".repeat(100) + i + "')");
            }
        }
        long pageSize = query(db, "PRAGMA page_size");
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.seek(pageSize * 2 + 8); // inside a b-tree page of the table: its cell pointers
            f.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0x7f});
        }
        BackupPlan plan = BackupPlan.builder().source(tmp.resolve("source")).destination(tmp.resolve("dest"))
                .database("data/*.db").build();
        plan.backup();
        Path target = Files.createDirectories(tmp.resolve("target"));
        Files.writeString(target.resolve("before.txt"), "keep me");

        assertThatThrownBy(() -> plan.restore(RestoreRequest.latest().target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("'data/app.db'");
        try (var files = Files.list(target)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("before.txt");
        }
    }

    @Test
    void shouldRemoveStaleWalAndShmFromTheTargetAfterRestore() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("source/data"));
        Path db = source.resolve("app.db");
        create(db);
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO items(v) VALUES ('kept')");
        }
        BackupPlan plan = BackupPlan.builder().source(tmp.resolve("source")).destination(tmp.resolve("dest"))
                .exclude("**/*-wal", "**/*-shm").database("data/*.db").build();
        plan.backup();
        Path target = Files.createDirectories(tmp.resolve("target/data"));
        Files.write(target.resolve("app.db-wal"), new byte[4096]);
        Files.write(target.resolve("app.db-shm"), new byte[32768]);

        plan.restore(RestoreRequest.latest().target(target.getParent()));

        assertThat(target.resolve("app.db-wal")).doesNotExist();
        assertThat(target.resolve("app.db-shm")).doesNotExist();
        assertThat(query(target.resolve("app.db"), "SELECT count(*) FROM items")).isEqualTo(1);
    }

    @Test
    void shouldFailBuildNamingTheModuleWhenTheProviderIsNotVisible() {
        ClassLoader blind = new ClassLoader(getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return name.endsWith(DatabaseCapture.class.getName()) ? Collections.emptyEnumeration()
                        : super.getResources(name);
            }
        };

        assertThatThrownBy(() -> BackupPlan.builder().source(tmp.resolve("s")).destination(tmp.resolve("d"))
                .classLoader(blind).database("data/*.db").build())
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("io.backupkit:backup-sqlite");
        assertThat(BackupPlan.builder().source(tmp.resolve("s")).destination(tmp.resolve("d"))
                .database("data/*.db").build().databases()).containsExactly("data/*.db");
    }
}
