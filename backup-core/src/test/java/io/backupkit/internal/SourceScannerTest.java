package io.backupkit.internal;

import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SourceScannerTest {

    @TempDir
    Path source;

    @Test
    void shouldListEveryEntryOfAUnitInPathOrderWhereFolderAndSiblingNamesInterleave() throws IOException {
        // "a/..." sorts after "a!", "a-x" and "a.txt" but before "a0": a folder's content is not next to it
        for (String dir : List.of("top/a/b/c", "top/a!/d", "top/a-x", "top/a0", "top/\u00e9t\u00e9", "top/\uFB01",
                "top/\uD83D\uDE00/deep/er", "top/empty")) {
            Files.createDirectories(source.resolve(dir));
        }
        for (String file : List.of("top/a.txt", "top/a/b/c/z.xml", "top/a/b.json", "top/a!/d/e", "top/a0/f",
                "top/\u00e9t\u00e9/g", "top/\uFB01/h", "top/\uD83D\uDE00/deep/er/i", "top/a/b/c/y")) {
            Files.writeString(source.resolve(file), file);
        }
        Files.createSymbolicLink(source.resolve("top/a/link"), Path.of("b.json"));
        for (int i = 0; i < 40; i++) { // more than one block of the packed list
            Files.writeString(source.resolve("top/a/b/n" + i), "n");
        }

        List<Unit> units = new SourceScanner(source, List.of(), List.of(), List.of(), w -> { }).scan();

        Unit top = units.stream().filter(u -> u.name().equals("top")).findFirst().orElseThrow();
        assertThat(top.entries()).isInstanceOf(EntryList.class);
        List<String> expected = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(source.resolve("top"))) {
            walk.forEach(p -> expected.add(source.relativize(p).toString()));
        }
        expected.sort(null);
        assertThat(top.entries()).extracting(UnitEntry::path).containsExactlyElementsOf(expected);
        assertThat(top.files()).isEqualTo(49);
        assertThat(top.bytes()).isEqualTo(40 + List.of("top/a.txt", "top/a/b/c/z.xml", "top/a/b.json",
                "top/a!/d/e", "top/a0/f", "top/\u00e9t\u00e9/g", "top/\uFB01/h", "top/\uD83D\uDE00/deep/er/i",
                "top/a/b/c/y").stream().mapToInt(f -> f.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .sum());
        UnitEntry link = top.entries().get(top.entries().indexOf(top.entries().stream()
                .filter(e -> e.path().equals("top/a/link")).findFirst().orElseThrow()));
        assertThat(link.type()).isEqualTo(EntryType.SYMLINK);
        assertThat(link.linkTarget()).isEqualTo("b.json");
        UnitEntry file = top.entries().stream().filter(e -> e.path().equals("top/a0/f")).findFirst().orElseThrow();
        assertThat(file.mtime()).isEqualTo(Files.getLastModifiedTime(source.resolve("top/a0/f")));
        assertThat(file.size()).isEqualTo(8);
    }

    @Test
    void shouldLeaveASpecialFolderOutOfTheUnitThatHoldsIt() throws IOException {
        Files.createDirectories(source.resolve("Media/localhost/x"));
        Files.createDirectories(source.resolve("Media/other"));
        Files.writeString(source.resolve("Media/localhost/x/f"), "f");
        Files.writeString(source.resolve("Media/other/g"), "g");

        List<Unit> units = new SourceScanner(source, List.of(), List.of("Media/localhost"), List.of(), w -> { })
                .scan();

        assertThat(units).extracting(Unit::name).containsExactly("", "Media", "Media/localhost");
        assertThat(units.get(1).entries()).extracting(UnitEntry::path)
                .containsExactly("Media", "Media/other", "Media/other/g");
        assertThat(units.get(2).entries()).extracting(UnitEntry::path)
                .containsExactly("Media/localhost", "Media/localhost/x", "Media/localhost/x/f");
    }
    @Test
    void shouldReadTheWholeModeTheSameWayWithTheFastReaderAndTheUnixView() throws Exception {
        Path shared = Files.createDirectories(source.resolve("top/shared"));
        Path tmp = Files.createDirectories(source.resolve("top/tmp"));
        Path tool = Files.writeString(source.resolve("top/tool"), "#!/bin/sh\n");
        Path plain = Files.writeString(source.resolve("top/plain.txt"), "text");
        Files.createSymbolicLink(source.resolve("top/link"), Path.of("plain.txt"));
        chmod("2775", shared); // set-group-ID folder, as shared media folders often are
        chmod("1777", tmp);
        chmod("4750", tool);
        chmod("0640", plain);

        List<UnitEntry> fast = unit(new SourceScanner(source, List.of(), List.of(), List.of(), w -> { }, true),
                "top");
        List<UnitEntry> view = unit(new SourceScanner(source, List.of(), List.of(), List.of(), w -> { }, false),
                "top");

        assertThat(UnixMode.available()).as("the tests open sun.nio.fs, as backupkit.jar does").isTrue();
        assertThat(fast).containsExactlyElementsOf(view);
        assertThat(modeOf(fast, "top/shared")).isEqualTo(02775);
        assertThat(modeOf(fast, "top/tmp")).isEqualTo(01777);
        assertThat(modeOf(fast, "top/tool")).isEqualTo(04750);
        assertThat(modeOf(fast, "top/plain.txt")).isEqualTo(0640);
        assertThat(fast).filteredOn(e -> e.path().equals("top/link")).singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo(EntryType.SYMLINK))
                .satisfies(e -> assertThat(e.linkTarget()).isEqualTo("plain.txt"));
    }

    @Test
    void shouldNotReadModesFromAttributesOfAnotherKind() throws IOException {
        Path file = Files.writeString(source.resolve("f"), "x");
        java.nio.file.attribute.PosixFileAttributes real = Files.readAttributes(file,
                java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        java.nio.file.attribute.PosixFileAttributes other = (java.nio.file.attribute.PosixFileAttributes)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {java.nio.file.attribute.PosixFileAttributes.class}, (proxy, m, args) -> null);

        assertThat(UnixMode.of(real))
                .isEqualTo(Files.getAttribute(file, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertThat(UnixMode.of(other)).as("not the JDK's Unix attributes").isEqualTo(-1);
    }

    private static List<UnitEntry> unit(SourceScanner scanner, String name) {
        return scanner.scan().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow().entries();
    }

    private static int modeOf(List<UnitEntry> entries, String path) {
        return entries.stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow().mode();
    }

    private static void chmod(String mode, Path p) throws Exception {
        Process chmod = new ProcessBuilder("chmod", mode, p.toString()).inheritIO().start();
        assertThat(chmod.waitFor()).as("chmod " + mode + " " + p).isZero();
    }
}
