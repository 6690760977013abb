package io.backupkit.notify;

import io.backupkit.BackupException;
import io.backupkit.InvalidPlanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretTest {

    @TempDir
    Path dir;

    @Test
    void shouldNeverShowTheValueInToString() {
        assertThat(Secret.of("hunter2".toCharArray())).hasToString("Secret[***]");
        assertThat(Secret.fromEnv("SMTP_PASSWORD")).hasToString("Secret[***]");
        assertThat(Secret.fromFile(dir.resolve("p"))).hasToString("Secret[***]");
    }

    @Test
    void shouldCopyTheValueGiven() {
        char[] value = "hunter2".toCharArray();
        Secret s = Secret.of(value);
        value[0] = 'X';

        assertThat(s.reveal()).containsExactly("hunter2".toCharArray());
        assertThat(s.source()).isEqualTo("a value given in code");
    }

    @Test
    void shouldReadTheEnvironmentVariableWhenRevealed() {
        assertThat(new String(Secret.fromEnv("PATH").reveal())).isEqualTo(System.getenv("PATH"));
    }

    @Test
    void shouldNameAMissingEnvironmentVariable() {
        String name = "BACKUPKIT_TEST_UNSET_" + Long.toHexString(System.nanoTime());
        Secret s = Secret.fromEnv(name);

        assertThat(s.source()).isEqualTo("environment variable " + name);
        assertThatThrownBy(s::reveal).isInstanceOf(BackupException.class)
                .hasMessage("environment variable " + name + " is not set or empty");
    }

    @Test
    void shouldReadTheFileWhenRevealedDroppingOneLineBreak() throws Exception {
        Path file = dir.resolve("smtp-password");
        Secret s = Secret.fromFile(file.toString());
        Files.writeString(file, "first\r\n");
        assertThat(s.reveal()).containsExactly("first".toCharArray());
        Files.writeString(file, " second \n\n");
        assertThat(s.reveal()).containsExactly(" second \n".toCharArray());
    }

    @Test
    void shouldNameAMissingOrEmptyFileButNotItsContent() throws Exception {
        Path file = dir.resolve("smtp-password");
        assertThatThrownBy(Secret.fromFile(file)::reveal).isInstanceOf(BackupException.class)
                .hasMessage("secret file " + file + " does not exist");
        Files.writeString(file, "\n");
        assertThatThrownBy(Secret.fromFile(file)::reveal).hasMessage("secret file " + file + " is empty");
    }

    @Test
    void shouldRefuseInvalidSources() {
        assertThatThrownBy(() -> Secret.fromEnv(" ")).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> Secret.fromEnv("A=B")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'A=B'");
        assertThatThrownBy(() -> Secret.fromFile((Path) null)).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> Secret.fromFile("")).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> Secret.of(new char[0])).isInstanceOf(InvalidPlanException.class);
    }
}
