package io.backupkit.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A separate process standing in for the application: keeps inserting rows into {@code items} and bumping
 * {@code counter.n} in the same transaction until the stop file appears. Usage: {@code SqliteWriter DB STOPFILE}.
 */
public final class SqliteWriter {

    private SqliteWriter() {
    }

    /**
     * @param args the database and the stop file
     * @throws Exception on any failure (the test sees the exit code)
     */
    public static void main(String[] args) throws Exception {
        Path stop = Path.of(args[1]);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
             Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout=10000");
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA wal_autocheckpoint=0");
            c.setAutoCommit(false);
            long i = 0;
            while (!Files.exists(stop)) {
                st.executeUpdate("INSERT INTO items(v) VALUES ('row " + (i++) + " " + "x".repeat(200) + "')");
                st.executeUpdate("UPDATE counter SET n = n + 1");
                c.commit();
            }
        }
    }
}
