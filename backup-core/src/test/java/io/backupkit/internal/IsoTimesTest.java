package io.backupkit.internal;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsoTimesTest {

    @Property(tries = 3000)
    void shouldFormatAsInstantDoesOverTheWholeRange(
            @ForAll @LongRange(min = -70_000_000_000L, max = 260_000_000_000L) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nano, @ForAll @IntRange(min = 0, max = 2) int cut) {
        // nanos, micros or millis only, as file systems give them
        int n = cut == 0 ? nano : cut == 1 ? nano / 1000 * 1000 : nano / 1_000_000 * 1_000_000;
        Instant t = Instant.ofEpochSecond(seconds, n);
        String text = IsoTimes.format(t);
        assertThat(text).isEqualTo(t.toString());
        assertThat(IsoTimes.format(FileTime.from(t))).isEqualTo(FileTime.from(t).toInstant().toString());
        assertThat(IsoTimes.parse(text)).isEqualTo(t);
    }

    @Test
    void shouldHandleTheEdgesOfTheFastPath() {
        for (String s : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.000001Z",
                "2100-03-01T00:00:00Z", "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z"}) {
            Instant t = Instant.parse(s);
            assertThat(IsoTimes.format(t)).as(s).isEqualTo(t.toString());
            assertThat(IsoTimes.parse(t.toString())).as(s).isEqualTo(t);
        }
        assertThat(IsoTimes.format(FileTime.fromMillis(Long.MAX_VALUE)))
                .isEqualTo(FileTime.fromMillis(Long.MAX_VALUE).toInstant().toString());
    }

    @Test
    void shouldParseWhatInstantAcceptsOutsideTheCanonicalForm() {
        assertThat(IsoTimes.parse("2026-11-22T03:58:00.1Z")).isEqualTo(Instant.parse("2026-11-22T03:58:00.1Z"));
        assertThat(IsoTimes.parse("2026-11-22T03:58:00.12345Z"))
                .isEqualTo(Instant.parse("2026-11-22T03:58:00.12345Z"));
    }

    @Test
    void shouldRefuseWhatInstantRefuses() {
        for (String s : new String[] {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-22T23:60:00Z",
                "2026-1a-22T03:58:00Z", "2026-11-22 03:58:00Z", "2026-11-22T03:58:00.abcZ",
                "2026-11-22T03:58:00", "yesterday", ""}) {
            assertThatThrownBy(() -> IsoTimes.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
        }
    }
}
