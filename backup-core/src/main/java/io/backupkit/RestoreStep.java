package io.backupkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A change made to the restored files after they are extracted and checked, and before they are swapped into the
 * target: keeping the target server's own identity, rewriting media paths for a new machine, and the like. Core knows
 * no application; the steps come from the caller (the examples' profiles provide them).
 *
 * <p>A step works on {@link Staged#extracted()} only: the target is still the live folder and must only be read.
 * When a step throws, the extracted files are removed and the target is left as it was. Steps run in the order they
 * were added, before the restored databases are checked and before the owner is set, so a step may change a database
 * and still have it checked.
 *
 * <pre>{@code
 * RestoreStep keepId = RestoreStep.named("keep the target's device.txt", staged -> {
 *     Path own = staged.target().resolve("data/device.txt");
 *     if (Files.exists(own)) {
 *         Files.copy(own, staged.extracted().resolve("data/device.txt"), StandardCopyOption.REPLACE_EXISTING);
 *     }
 * });
 * plan.restore(RestoreRequest.latest().step(keepId));
 * }</pre>
 */
@FunctionalInterface
public interface RestoreStep {

    /**
     * Changes the extracted files.
     *
     * @param staged the extracted files, the target and the run's log
     * @throws IOException when a file cannot be read or written; the restore fails and nothing is swapped
     */
    void apply(Staged staged) throws IOException;

    /** @return what the step does, as the log and a dry run's steps say it */
    default String description() {
        return toString();
    }

    /**
     * @param description what the step does, for the log and dry runs
     * @param step the step
     * @return the step, described
     */
    static RestoreStep named(String description, RestoreStep step) {
        Objects.requireNonNull(step, "step");
        if (description == null || description.isBlank()) {
            throw new InvalidPlanException(List.of("restore step description must not be blank"));
        }
        return new RestoreStep() {
            @Override
            public void apply(Staged staged) throws IOException {
                step.apply(staged);
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /** What a {@link RestoreStep} works on. Made by BackupKit for each run (and by tests of a step). */
    final class Staged {
        private final String snapshotId;
        private final Path extracted;
        private final Path target;
        private final List<String> only;
        private final Consumer<String> info;
        private final Consumer<String> warn;

        /**
         * @param snapshotId the snapshot restored (an archive's file name for an archive from another tool)
         * @param extracted the folder holding the extracted files, laid out as the source was
         * @param target the live folder being restored into
         * @param only the paths of a partial restore ({@link RestoreRequest#only(String...)}), empty for all
         * @param info receives the step's notes (the run's log and the result's notes)
         * @param warn receives warnings, reported on the result as well as logged
         */
        public Staged(String snapshotId, Path extracted, Path target, List<String> only, Consumer<String> info,
                      Consumer<String> warn) {
            this.snapshotId = snapshotId;
            this.extracted = Objects.requireNonNull(extracted, "extracted");
            this.target = Objects.requireNonNull(target, "target");
            this.only = List.copyOf(only);
            this.info = Objects.requireNonNull(info, "info");
            this.warn = Objects.requireNonNull(warn, "warn");
        }

        /** @return the snapshot restored, or the archive's file name */
        public String snapshotId() {
            return snapshotId;
        }

        /** @return the extracted files (writable), laid out as the source was */
        public Path extracted() {
            return extracted;
        }

        /** @return the live folder being restored into; read it, never write it */
        public Path target() {
            return target;
        }

        /**
         * @return the paths a partial restore restores; empty when the whole snapshot is restored. A step must
         *         expect files outside them to be missing from {@link #extracted()}
         */
        public List<String> only() {
            return only;
        }

        /**
         * @param line what the step did, for the run's log and {@link RestoreResult#notes()} (e.g. {@code kept the
         *        target's data/device.txt}); say what a user needs to know, not every file touched
         */
        public void note(String line) {
            info.accept(line);
        }

        /** @param warning a warning for the run's log and result */
        public void warn(String warning) {
            warn.accept(warning);
        }
    }
}
