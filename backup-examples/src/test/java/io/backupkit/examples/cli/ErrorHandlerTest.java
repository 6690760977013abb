package io.backupkit.examples.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorHandlerTest {

    @Test
    void shouldPutAMultiLineMessageOnOneLine() {
        assertThat(ErrorHandler.oneLine("first\nsecond\r\n  third \n")).isEqualTo("first / second / third");
    }

    @Test
    void shouldLeaveAOneLineMessageAlone() {
        assertThat(ErrorHandler.oneLine("Source folder /x does not exist"))
                .isEqualTo("Source folder /x does not exist");
    }
}
