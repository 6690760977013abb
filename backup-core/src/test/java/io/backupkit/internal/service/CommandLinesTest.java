package io.backupkit.internal.service;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLinesTest {

    @Test
    void shouldSplitWordsWithoutExpandingAnything() {
        assertThat(CommandLines.words("dpkg-query -W -f=${Version} plexmediaserver"))
                .containsExactly("dpkg-query", "-W", "-f=${Version}", "plexmediaserver");
        assertThat(CommandLines.words("  \"/Applications/Plex Media Server.app/x\"  --version 'a b'\"c\" "))
                .containsExactly("/Applications/Plex Media Server.app/x", "--version", "a bc");
        assertThat(CommandLines.words("C:\\Plex\\Plex.exe \"say \\\"hi\\\"\" ''"))
                .containsExactly("C:\\Plex\\Plex.exe", "say \"hi\"", "");
        assertThat(CommandLines.words("   ")).isEmpty();
    }

    @Test
    void shouldRefuseAnUnclosedQuote() {
        assertThatThrownBy(() -> CommandLines.words("echo \"oops")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed \"");
    }

    @Test
    void shouldShowArgumentVectorsAsAUserWouldTypeThem() {
        assertThat(CommandLines.display(List.of("docker", "inspect", "-f", "{{.State.Running}}", "plex")))
                .isEqualTo("docker inspect -f {{.State.Running}} plex");
        assertThat(CommandLines.display(List.of("sc", "stop", "Plex Media Server", "it's")))
                .isEqualTo("sc stop 'Plex Media Server' 'it'\\''s'");
        assertThat(CommandLines.display(List.of("x", ""))).isEqualTo("x ''");
    }

    @Test
    void shouldWrapALineInTheShellItIsGiven() {
        assertThat(CommandLines.throughShell("sh", "a | b")).containsExactly("sh", "-c", "a | b");
        assertThat(CommandLines.throughShell("/bin/bash", "a")).containsExactly("/bin/bash", "-c", "a");
        assertThat(CommandLines.throughShell("cmd", "a")).containsExactly("cmd", "/c", "a");
        assertThat(CommandLines.throughShell("C:\\Windows\\System32\\CMD.EXE", "a"))
                .containsExactly("C:\\Windows\\System32\\CMD.EXE", "/c", "a");
    }

    @Test
    void shouldKeepTheLastNonBlankLines() {
        assertThat(CommandLines.tail("a\r\n\r\nb\n  c  \n\n", 2)).isEqualTo("b | c");
        assertThat(CommandLines.tail("", 3)).isEmpty();
    }
}
