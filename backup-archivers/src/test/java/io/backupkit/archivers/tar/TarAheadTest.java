package io.backupkit.archivers.tar;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TarAheadTest {

    @Test
    void shouldPoolArraysInPowersOfTwoFromFourKiB() {
        assertThat(TarAhead.sizeClass(1)).isZero();
        assertThat(TarAhead.sizeClass(4096)).isZero();
        assertThat(TarAhead.sizeClass(4097)).isEqualTo(1);
        assertThat(TarAhead.sizeClass(8192)).isEqualTo(1);
        assertThat(TarAhead.sizeClass(8193)).isEqualTo(2);
        assertThat(TarAhead.sizeClass(TarAhead.SMALL_FILE)).isEqualTo(8); // 2^20 = 2^(12 + 8)
        assertThat(TarAhead.sizeClass(TarAhead.SMALL_FILE - 1)).isEqualTo(8);
    }
}
