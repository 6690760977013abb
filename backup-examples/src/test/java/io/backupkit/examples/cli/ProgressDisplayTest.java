package io.backupkit.examples.cli;

import io.backupkit.Operation;
import io.backupkit.ProgressEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressDisplayTest {

    private static void sendRun(ProgressDisplay display, boolean success) {
        display.onEvent(new ProgressEvent.RunStarted(Operation.VERIFY, "20261122T035800Z", 2, 4, 4000));
        display.onEvent(new ProgressEvent.UnitStarted("Metadata", 2, 2000));
        display.onEvent(new ProgressEvent.Progress("Metadata", "a", 1, 4, 1000, 4000));
        display.onEvent(new ProgressEvent.Progress("Metadata", "b", 2, 4, 2000, 4000));
        display.onEvent(new ProgressEvent.UnitFinished("Metadata", false, 2, 2000));
        display.onEvent(new ProgressEvent.RunFinished(Operation.VERIFY, "20261122T035800Z", success));
    }

    @Test
    void shouldDrawABarFilledOnSuccess() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ProgressDisplay display = new ProgressDisplay(new PrintStream(err, true, StandardCharsets.UTF_8), true)) {
            sendRun(display, true);
        }

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("verify").contains("100%").contains("Metadata");
    }

    @Test
    void shouldNotFillTheBarOfAFailedRun() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ProgressDisplay display = new ProgressDisplay(new PrintStream(err, true, StandardCharsets.UTF_8), true)) {
            sendRun(display, false);
        }

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("50%").doesNotContain("100%");
    }

    @Test
    void shouldPrintNothingWhenDisabled() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ProgressDisplay display = new ProgressDisplay(new PrintStream(err, true, StandardCharsets.UTF_8), false)) {
            sendRun(display, true);
        }

        assertThat(err.size()).isZero();
    }
}
