package io.backupkit.examples.profiles;

import io.backupkit.InvalidPlanException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathRemapTest {

    @Test
    void shouldRemapAPathBelowOld() {
        PathRemap r = PathRemap.parse("/srv/media=/mnt/media");

        assertThat(r.apply("/srv/media/Movies/Alien (1979)/Alien.mkv"))
                .contains("/mnt/media/Movies/Alien (1979)/Alien.mkv");
    }

    @Test
    void shouldRemapOldItself() {
        assertThat(PathRemap.parse("/srv/media=/mnt/media").apply("/srv/media")).contains("/mnt/media");
    }

    @Test
    void shouldNotRemapAFolderThatOnlyStartsWithTheSameLetters() {
        PathRemap r = PathRemap.parse("/mnt/media=/data");

        assertThat(r.apply("/mnt/media2/Movies/x.mkv")).isEmpty();
        assertThat(r.apply("/mnt/mediaX")).isEmpty();
        assertThat(r.apply("/mnt")).isEmpty();
    }

    @Test
    void shouldLetTheLongestOldWinWhateverTheOrder() {
        PathRemap a = PathRemap.parse("/srv=/x", "/srv/media/TV=/tv", "/srv/media=/m");
        PathRemap b = PathRemap.parse("/srv/media=/m", "/srv/media/TV=/tv", "/srv=/x");

        for (PathRemap r : new PathRemap[] {a, b}) {
            assertThat(r.apply("/srv/media/TV/Show/S01E01.mkv")).contains("/tv/Show/S01E01.mkv");
            assertThat(r.apply("/srv/media/Movies/x.mkv")).contains("/m/Movies/x.mkv");
            assertThat(r.apply("/srv/other")).contains("/x/other");
        }
        assertThat(a.pairs()).containsExactly("/srv/media/TV=/tv", "/srv/media=/m", "/srv=/x");
    }

    @Test
    void shouldConvertTheSeparatorsFromWindowsToPosix() {
        PathRemap r = PathRemap.parse("D:\\Media=/mnt/media");

        assertThat(r.apply("D:\\Media\\Movies\\Alien (1979)\\Alien.mkv"))
                .contains("/mnt/media/Movies/Alien (1979)/Alien.mkv");
    }

    @Test
    void shouldConvertTheSeparatorsFromPosixToWindows() {
        PathRemap r = PathRemap.parse("/srv/media=E:\\Medien");

        assertThat(r.apply("/srv/media/Movies/Alien.mkv")).contains("E:\\Medien\\Movies\\Alien.mkv");
    }

    @Test
    void shouldKeepTheSeparatorsOfAWindowsNewWrittenWithSlashes() {
        assertThat(PathRemap.parse("/srv/media=E:/Medien").apply("/srv/media/Movies/Alien.mkv"))
                .contains("E:/Medien/Movies/Alien.mkv");
    }

    @Test
    void shouldMatchAWindowsDriveIgnoringCaseAndSlashDirection() {
        PathRemap r = PathRemap.parse("d:/media=/mnt/media");

        assertThat(r.apply("D:\\MEDIA\\Movies\\x.mkv")).contains("/mnt/media/Movies/x.mkv");
        assertThat(r.apply("D:/Media/Movies/x.mkv")).contains("/mnt/media/Movies/x.mkv");
        assertThat(r.apply("D:\\Media2\\x.mkv")).isEmpty();
    }

    @Test
    void shouldMatchAWindowsShare() {
        PathRemap r = PathRemap.parse("\\\\nas\\media=/mnt/nas");

        assertThat(r.apply("\\\\NAS\\Media\\TV\\x.mkv")).contains("/mnt/nas/TV/x.mkv");
    }

    @Test
    void shouldMatchAPosixPathCaseSensitively() {
        PathRemap r = PathRemap.parse("/srv/Media=/mnt/media");

        assertThat(r.apply("/srv/media/x.mkv")).isEmpty();
        assertThat(r.apply("/srv/Media/x.mkv")).contains("/mnt/media/x.mkv");
    }

    @Test
    void shouldKeepABackslashInAPosixNameWhenMappingToPosix() {
        assertThat(PathRemap.parse("/srv=/mnt").apply("/srv/a\\b.mkv")).contains("/mnt/a\\b.mkv");
    }

    @Test
    void shouldIgnoreTrailingSeparatorsOnOldAndNew() {
        PathRemap r = PathRemap.parse("/srv/media/=/mnt/media/", "D:\\Media\\=/mnt/win/");

        assertThat(r.apply("/srv/media/x.mkv")).contains("/mnt/media/x.mkv");
        assertThat(r.apply("/srv/media")).contains("/mnt/media");
        assertThat(r.apply("/srv/media/")).contains("/mnt/media/");
        assertThat(r.apply("D:\\Media\\x.mkv")).contains("/mnt/win/x.mkv");
    }

    @Test
    void shouldMapADriveRoot() {
        PathRemap r = PathRemap.parse("D:\\=/mnt/d");

        assertThat(r.apply("D:\\Movies\\x.mkv")).contains("/mnt/d/Movies/x.mkv");
        assertThat(PathRemap.parse("/mnt/d=D:\\").apply("/mnt/d")).contains("D:\\");
        assertThat(PathRemap.parse("/mnt/d=D:\\").apply("/mnt/d/x.mkv")).contains("D:\\x.mkv");
    }

    @Test
    void shouldNeverRemapAPlaceholderOrARelativePath() {
        PathRemap r = PathRemap.parse("/=/mnt");

        assertThat(r.apply("%MetadataPath%/library/2a/poster.jpg")).isEmpty();
        assertThat(r.apply("Movies/x.mkv")).isEmpty();
        assertThat(r.apply("/srv/x.mkv")).contains("/mnt/srv/x.mkv");
    }

    @Test
    void shouldSplitAtTheFirstEquals() {
        assertThat(PathRemap.parse("/srv/media=/mnt/a=b").apply("/srv/media/x")).contains("/mnt/a=b/x");
    }

    @Test
    void shouldBuildFromAMap() {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("D:\\Media", "/mnt/media");
        pairs.put("/srv/tv", "/mnt/media/TV");

        PathRemap r = PathRemap.of(pairs);

        assertThat(r.apply("/srv/tv/x.mkv")).contains("/mnt/media/TV/x.mkv");
        assertThat(r.pairs()).containsExactly("D:\\Media=/mnt/media", "/srv/tv=/mnt/media/TV");
        assertThat(r).isEqualTo(PathRemap.parse("D:\\Media=/mnt/media", "/srv/tv=/mnt/media/TV"));
    }

    @Test
    void shouldRejectAPairWithoutEquals() {
        assertThatThrownBy(() -> PathRemap.parse("/srv/media"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("remap '/srv/media' must be OLD=NEW");
    }

    @Test
    void shouldRejectAnEmptyOld() {
        assertThatThrownBy(() -> PathRemap.parse(" =/mnt/media"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("remap ' =/mnt/media' has an empty OLD");
    }

    @Test
    void shouldRejectAnEmptyNew() {
        assertThatThrownBy(() -> PathRemap.parse("/srv/media="))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("remap '/srv/media=' has an empty NEW");
    }

    @Test
    void shouldRejectARelativePath() {
        assertThatThrownBy(() -> PathRemap.parse("media=/mnt/media"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("remap 'media=/mnt/media' must map absolute paths");
        assertThatThrownBy(() -> PathRemap.parse("/srv=%MetadataPath%"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("remap '/srv=%MetadataPath%' must map absolute paths");
    }

    @Test
    void shouldRejectTheSameOldTwiceWithDifferentNews() {
        assertThatThrownBy(() -> PathRemap.parse("/srv/media=/a", "/srv/media/=/b"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("remap '/srv/media/=/b' maps the same OLD as '/srv/media=/a' to another NEW");
        assertThatThrownBy(() -> PathRemap.parse("D:\\Media=/a", "d:/media=/b"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("remap 'd:/media=/b' maps the same OLD as 'D:\\Media=/a'");
    }

    @Test
    void shouldAcceptTheSameOldTwiceWithTheSameNew() {
        PathRemap r = PathRemap.parse("/srv/media=/mnt/media", "/srv/media/=/mnt/media/");

        assertThat(r.pairs()).containsExactly("/srv/media=/mnt/media");
    }

    @Test
    void shouldReportEveryBadPairAtOnce() {
        assertThatThrownBy(() -> PathRemap.parse("nothing", "=/x", "/ok=/fine", "/y="))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.problems()).containsExactly(
                        "remap 'nothing' must be OLD=NEW", "remap '=/x' has an empty OLD",
                        "remap '/y=' has an empty NEW"));
    }

    @Test
    void shouldRejectNoPairAtAll() {
        assertThatThrownBy(() -> PathRemap.parse())
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("at least one OLD=NEW pair");
    }
}
