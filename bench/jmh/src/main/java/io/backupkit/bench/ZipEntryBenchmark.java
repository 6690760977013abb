package io.backupkit.bench;

import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.X5455_ExtendedTimestamp;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;

/**
 * Writing one zip entry through Commons Compress the way the {@code zip} archiver does (UTF-8 names, ZIP64 as
 * needed, Unix mode, extended timestamp, a 128 KiB copy buffer, a file opened with CREATE_NEW): STORED (what the
 * archiver does for media) against DEFLATED at level 1, on compressible XML-like text and on random bytes.
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar ZipEntryBenchmark -f 1 -wi 2 -i 3
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ZipEntryBenchmark {

    /** STORED or DEFLATED (level 1). */
    @Param({"STORED", "DEFLATED"})
    public String method;

    /** text: XML-like, compresses about 5:1; random: incompressible, like JPEG or .bif files. */
    @Param({"text", "random"})
    public String content;

    /** Size of the entry, in MiB. */
    @Param({"8"})
    public int entryMiB;

    private static final int BUFFER = 128 * 1024;

    private Path dir;
    private Path archive;
    private byte[] data;
    private byte[] buffer;
    private FileTime mtime;

    @Setup(Level.Trial)
    public void createData() throws IOException {
        dir = Files.createTempDirectory("backupkit-jmh-zip");
        archive = dir.resolve("unit.zip");
        data = new byte[entryMiB << 20];
        SplittableRandom rng = new SplittableRandom(7);
        if (content.equals("random")) {
            rng.nextBytes(data);
        } else {
            String[] words = {"movie", "title", "year", "genre", "director", "actor", "rating", "summary", "studio",
                              "tagline", "poster", "art", "thumb", "guid", "agent", "library", "metadata"};
            StringBuilder sb = new StringBuilder(data.length + 200);
            while (sb.length() < data.length) {
                sb.append("  <Role tag=\"").append(words[rng.nextInt(words.length)]).append(' ')
                        .append(words[rng.nextInt(words.length)]).append("\" key=\"").append(rng.nextInt(1_000_000))
                        .append("\" role=\"").append(words[rng.nextInt(words.length)]).append("\"/>\n");
            }
            byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
            System.arraycopy(text, 0, data, 0, data.length);
        }
        buffer = new byte[BUFFER];
        mtime = FileTime.fromMillis(1_600_000_000_000L);
    }

    @TearDown(Level.Invocation)
    public void deleteArchive() throws IOException {
        Files.deleteIfExists(archive);
    }

    @TearDown(Level.Trial)
    public void deleteDir() throws IOException {
        Files.deleteIfExists(archive);
        Files.deleteIfExists(dir);
    }

    /** One archive holding one entry, written and closed. */
    @Benchmark
    public long writeOneEntry() throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(archive, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            zip.setEncoding(StandardCharsets.UTF_8.name());
            zip.setUseLanguageEncodingFlag(true);
            zip.setUseZip64(Zip64Mode.AsNeeded);
            zip.setLevel(1);
            ZipArchiveEntry ze = new ZipArchiveEntry("Metadata/Movies/a/0123456789abcdef.bundle/Contents/Info.xml");
            ze.setUnixMode(UnixStat.FILE_FLAG | 0644);
            ze.setTime(mtime.toMillis());
            X5455_ExtendedTimestamp ts = new X5455_ExtendedTimestamp();
            ts.setModifyFileTime(mtime);
            ze.addExtraField(ts);
            ze.setMethod(method.equals("STORED") ? ZipEntry.STORED : ZipEntry.DEFLATED);
            zip.putArchiveEntry(ze);
            try (InputStream in = new ByteArrayInputStream(data)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    zip.write(buffer, 0, n);
                }
            }
            zip.closeArchiveEntry();
            zip.finish();
            return zip.getBytesWritten();
        }
    }
}
