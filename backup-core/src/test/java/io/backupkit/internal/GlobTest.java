package io.backupkit.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GlobTest {

    @Test
    void shouldMatchAFolderAndEverythingBelowWithDoubleStarSuffix() {
        Glob g = Glob.compile("Logs/**");
        assertThat(g.matches("Logs")).isTrue();
        assertThat(g.matches("Logs/a.log")).isTrue();
        assertThat(g.matches("Logs/x/y.log")).isTrue();
        assertThat(g.matches("LogsOld")).isFalse();
        assertThat(g.matches("a/Logs")).isFalse();
    }

    @Test
    void shouldMatchFilePatternsAtAnyDepthWithDoubleStarPrefix() {
        Glob g = Glob.compile("**/*.bif");
        assertThat(g.matches("a.bif")).isTrue();
        assertThat(g.matches("Media/localhost/x/index-sd.bif")).isTrue();
        assertThat(g.matches("Media/a.bif.txt")).isFalse();
    }

    @Test
    void shouldKeepSingleStarWithinASegment() {
        Glob g = Glob.compile("Cache/*.tmp");
        assertThat(g.matches("Cache/a.tmp")).isTrue();
        assertThat(g.matches("Cache/x/a.tmp")).isFalse();
    }

    @Test
    void shouldMatchWholePathsOnly() {
        assertThat(Glob.compile("Cache").matches("Cache")).isTrue();
        assertThat(Glob.compile("Cache").matches("Metadata/Cache")).isFalse();
        assertThat(Glob.compile("Crash Reports/**").matches("Crash Reports/x.dmp")).isTrue();
    }

    @Test
    void shouldSupportClassesAlternativesAndQuestionMarks() {
        assertThat(Glob.compile("log[0-9].txt").matches("log5.txt")).isTrue();
        assertThat(Glob.compile("log[!0-9].txt").matches("log5.txt")).isFalse();
        assertThat(Glob.compile("*.{jpg,png}").matches("a.png")).isTrue();
        assertThat(Glob.compile("?.txt").matches("ab.txt")).isFalse();
        assertThat(Glob.compile("a+b(c).txt").matches("a+b(c).txt")).isTrue();
    }

    @Test
    void shouldMatchInTheMiddle() {
        Glob g = Glob.compile("Plug-in Support/**/Caches/**");
        assertThat(g.matches("Plug-in Support/Caches")).isTrue();
        assertThat(g.matches("Plug-in Support/x/y/Caches/z")).isTrue();
    }

    @Test
    void shouldRejectMalformedPatternsQuotingThem() {
        assertThatThrownBy(() -> Glob.compile("{a,b")).hasMessageContaining("'{a,b'");
        assertThatThrownBy(() -> Glob.compile("a}")).hasMessageContaining("unopened");
    }
}
