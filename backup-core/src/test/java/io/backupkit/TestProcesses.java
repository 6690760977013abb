package io.backupkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finding and cleaning up the processes a test started. */
final class TestProcesses {

    private TestProcesses() {
    }

    /** @return the live processes whose command line mentions {@code dir} */
    static List<ProcessHandle> mentioning(Path dir) {
        String needle = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(TestProcesses::alive)
                .filter(p -> p.info().commandLine().map(l -> l.contains(needle)).orElse(false))
                .toList();
    }

    /** Kills every process that mentions {@code dir} and all their descendants, and waits for them to go. */
    static void killAll(Path dir, List<Long> morePids) {
        List<ProcessHandle> doomed = new ArrayList<>();
        for (ProcessHandle p : mentioning(dir)) {
            doomed.addAll(p.descendants().toList());
            doomed.add(p);
        }
        for (long pid : morePids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                doomed.addAll(p.descendants().toList());
                doomed.add(p);
            });
        }
        doomed.forEach(ProcessHandle::destroyForcibly);
        try {
            await(Duration.ofSeconds(5), () -> doomed.stream().noneMatch(TestProcesses::alive));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean alive(long pid) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        return p.isPresent() && alive(p.get());
    }

    /** Alive and not a zombie (a killed process that its new parent, often init, has not collected yet). */
    static boolean alive(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return p.isAlive();
        }
    }

    /** Waits until {@code check} holds or {@code timeout} passes. */
    static boolean await(Duration timeout, java.util.function.BooleanSupplier check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return check.getAsBoolean();
    }
}
