// A backup round trip through the pinned public API, as a user would type it in JShell.
// Run: jshell --class-path backupkit.jar -R-Dit.source=DIR -R-Dit.dest=DIR -R-Dit.target=DIR roundtrip.jsh
// Prints one "key: value" line per step; exits 0 when every step succeeded, else 1.
import io.backupkit.*;
import java.nio.file.*;

int status = 1;
try {
    Path source = Path.of(System.getProperty("it.source"));
    Path dest = Path.of(System.getProperty("it.dest"));
    Path target = Path.of(System.getProperty("it.target"));

    BackupPlan plan = BackupPlan.builder()
            .source(source)
            .destination(dest)
            .archiver("zip")
            .exclude("Logs/**", "**/*.tmp")
            .build();

    BackupResult r = plan.backup();
    System.out.println("backup snapshot: " + r.snapshotId());
    System.out.println("backup files: " + r.files());
    System.out.println("backup units: " + r.units());

    var snapshots = plan.snapshots();
    System.out.println("snapshots: " + snapshots.size());
    System.out.println("latest: " + snapshots.get(0).id() + " complete: " + snapshots.get(0).complete());

    VerifyResult v = plan.verify(snapshots.get(0).id());
    System.out.println("verify ok: " + v.ok());
    v.problems().forEach(p -> System.out.println("problem: " + p));

    RestoreResult rr = plan.restore(RestoreRequest.latest().target(target));
    System.out.println("restored snapshot: " + rr.snapshotId());
    System.out.println("restored files: " + rr.files());

    status = v.ok() && rr.snapshotId().equals(r.snapshotId()) ? 0 : 1;
} catch (Exception e) {
    System.out.println("failed: " + e);
    e.printStackTrace(System.out);
}
System.out.println("status: " + status);
/exit status
