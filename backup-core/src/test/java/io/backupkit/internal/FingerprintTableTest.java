package io.backupkit.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FingerprintTableTest {

    @Test
    void shouldGiveEachPrefixTheFingerprintOfThatPrefixAlone() {
        String path = "Metadata/Movies/a/b.bundle/Contents";
        long h = FingerprintTable.start();
        List<Long> atSlashes = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                atSlashes.add(FingerprintTable.finish(h));
                expected.add(FingerprintTable.fingerprint(path.substring(0, i)));
            }
            h = FingerprintTable.step(h, path.charAt(i));
        }
        assertThat(atSlashes).hasSize(4).isEqualTo(expected);
        assertThat(FingerprintTable.finish(h)).isEqualTo(FingerprintTable.fingerprint(path));
        assertThat(FingerprintTable.fingerprint("a/b")).isNotEqualTo(FingerprintTable.fingerprint("a/c"))
                .isNotEqualTo(FingerprintTable.fingerprint("A/b"));
    }

    @Test
    void shouldFindEveryPathAddedThroughGrowthAndNoOther() {
        FingerprintTable t = new FingerprintTable();
        for (int i = 0; i < 200_000; i++) {
            t.add(FingerprintTable.fingerprint("folder/" + i), i);
        }
        assertThat(t.size()).isEqualTo(200_000);
        for (int i = 0; i < 200_000; i++) {
            long value = i;
            assertThat(t.anyMatch(FingerprintTable.fingerprint("folder/" + i), v -> v == value)).isTrue();
            assertThat(t.contains(FingerprintTable.fingerprint("other/" + i))).isFalse();
        }
    }

    @Test
    void shouldKeepEveryValueOfAFingerprintStoredTwice() {
        FingerprintTable t = new FingerprintTable();
        long fp = FingerprintTable.fingerprint("same");
        t.add(fp, 7);
        t.add(fp, 9);
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.anyMatch(fp, v -> v == 7)).isTrue();
        assertThat(t.anyMatch(fp, v -> v == 9)).isTrue();
        assertThat(t.anyMatch(fp, v -> v == 8)).isFalse();
        t.clear();
        assertThat(t.size()).isZero();
        assertThat(t.contains(fp)).isFalse();
    }
}
