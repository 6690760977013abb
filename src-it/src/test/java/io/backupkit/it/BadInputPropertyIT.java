package io.backupkit.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.RestoreRequest;
import io.backupkit.VerifyResult;
import io.backupkit.examples.config.BackupPlans;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated bad input never crashes: a plan configuration, a snapshot's {@code manifest.json} and an
 * {@code index/*.jsonl}, each a valid document with generated JSON put in at a generated place (or cut short), are
 * read through the public API. Each either works or fails with a {@link BackupException}
 * ({@link InvalidPlanException} for a configuration) whose message names the file or the key; anything else
 * (a {@code NullPointerException}, a {@code ClassCastException}) is a bug. The manifest's hash is removed first, as
 * in a snapshot written before it existed, so the parsing itself is what is tested.
 */
class BadInputPropertyIT {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static Path work;
    private static Path template;
    private static int tries;

    private static synchronized Path work() throws IOException {
        if (work == null) {
            work = Files.createTempDirectory("backupkit-bad-input-");
            Path source = work.resolve("source");
            ItSupport.writeMediaTree(source, 31);
            template = work.resolve("template");
            BackupPlan.builder().source(source).destination(template).exclude("Cache/**").build().backup();
        }
        return work;
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        if (work != null) {
            CrashBackupIT.deleteTree(work);
            work = null;
        }
    }

    // ------------------------------------------------------------------ generated JSON

    @Provide
    Arbitrary<JsonNode> values() {
        Arbitrary<JsonNode> leaves = Arbitraries.oneOf(
                Arbitraries.just(F.nullNode()),
                Arbitraries.of(true, false).map(F::booleanNode),
                Arbitraries.longs().map(F::numberNode),
                Arbitraries.of(-1L, 0L, 1L, Long.MAX_VALUE, Long.MIN_VALUE).map(F::numberNode),
                Arbitraries.doubles().map(F::numberNode),
                Arbitraries.strings().ofMaxLength(12).map(F::textNode),
                Arbitraries.of("", "..", "../../etc", "/etc/passwd", "C:\\x", "zip", "mirror", "units/_root.zip",
                        "20261122T035800Z", "1s", "-5s", "NaN", "keep-last", "\u0000", "a/../../b").map(F::textNode));
        return Arbitraries.recursive(() -> leaves, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(3).map(l -> {
                    ArrayNode a = F.arrayNode();
                    l.forEach(a::add);
                    return a;
                }),
                Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(6), inner).ofMaxSize(3).map(m -> {
                    ObjectNode o = F.objectNode();
                    m.forEach(o::set);
                    return o;
                })), 0, 3);
    }

    /** How to damage a document: a number picks the node, the value replaces it or is added beside it. */
    record Damage(int pick, JsonNode value, int how, int cut) {
    }

    @Provide
    Arbitrary<Damage> damages() {
        return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 10_000), values(),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 10_000)).as(Damage::new);
    }

    /** Applies the damage to a copy of the document and returns its text. */
    static String damage(JsonNode document, Damage d) {
        JsonNode copy = document.deepCopy();
        List<JsonNode> containers = new ArrayList<>();
        collect(copy, containers);
        JsonNode at = containers.get(d.pick() % containers.size());
        if (at instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.isEmpty() ? "extra" : names.get(d.pick() % names.size());
            switch (d.how()) {
                case 0 -> o.set(name, d.value());
                case 1 -> o.remove(name);
                case 2 -> o.set(name + "x", d.value());
                default -> o.set(name, d.value().isContainerNode() ? d.value() : F.arrayNode().add(d.value()));
            }
        } else if (at instanceof ArrayNode a) {
            if (a.isEmpty() || d.how() == 2) {
                a.add(d.value());
            } else if (d.how() == 1) {
                a.remove(d.pick() % a.size());
            } else {
                a.set(d.pick() % a.size(), d.value());
            }
        }
        String text = copy.toPrettyString();
        // one try in eight is also cut short: a torn write
        return d.cut() % 8 == 0 ? text.substring(0, d.cut() % Math.max(1, text.length())) : text;
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }

    // ------------------------------------------------------------------ configuration

    @Property(tries = 300)
    void shouldRefuseABadConfigurationWithAMessageNamingTheFileOrKey(@ForAll("damages") Damage d)
            throws IOException {
        Path dir = Files.createTempDirectory(work(), "config-");
        ObjectNode config = F.objectNode();
        config.put("source", work().resolve("source").toString());
        config.put("destination", dir.resolve("dest").toString());
        config.put("archiver", "tar.zst");
        config.putObject("archiverOptions").put("level", "3");
        config.putArray("exclude").add("Cache/**").add("**/*.bif");
        config.put("workers", 2);
        config.put("retryWait", "5s");
        config.putArray("services").addObject().put("systemd", "plexmediaserver");
        config.put("keepDaily", 7);
        config.put("maxTotalSize", "20G");
        config.put("spaceCheck", true);
        String text = damage(config, d);
        Path file = dir.resolve("plan.json");
        Files.writeString(file, text);
        try {
            BackupPlans.fromJson(file).build();
        } catch (InvalidPlanException e) {
            assertThat(e.getMessage()).as(text).isNotBlank();
            assertThat(e.getMessage().contains("plan.json") || BackupPlans.keys().stream()
                    .anyMatch(e.getMessage()::contains) || e.getMessage().contains("$"))
                    .as("names the file or a key: " + e.getMessage() + "\n" + text).isTrue();
        } catch (RuntimeException e) {
            throw new AssertionError("not an InvalidPlanException for\n" + text, e);
        }
        CrashBackupIT.deleteTree(dir);
    }

    // ------------------------------------------------------------------ manifest and index

    @Property(tries = 150)
    void shouldNeverCrashOnABadManifest(@ForAll("damages") Damage d) throws IOException {
        Path dest = copyOfTemplate();
        Path snapshot = only(dest);
        Path manifest = snapshot.resolve("manifest.json");
        Files.deleteIfExists(snapshot.resolve("manifest.sha256"));
        String text = damage(ItSupport.JSON.readTree(manifest.toFile()), d);
        Files.writeString(manifest, text);
        exercise(dest, snapshot, text, "manifest");
    }

    @Property(tries = 150)
    void shouldNeverCrashOnABadIndex(@ForAll("damages") Damage d) throws IOException {
        Path dest = copyOfTemplate();
        Path snapshot = only(dest);
        Path index = snapshot.resolve("index/Metadata.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(index));
        int line = d.pick() % lines.size();
        lines.set(line, damage(ItSupport.JSON.readTree(lines.get(line)), d).replace('\n', ' '));
        Files.write(index, lines);
        // the manifest is told the index's new hash, so that its lines are parsed and checked, not just its hash
        Path manifest = snapshot.resolve("manifest.json");
        Files.deleteIfExists(snapshot.resolve("manifest.sha256"));
        ObjectNode m = (ObjectNode) ItSupport.JSON.readTree(manifest.toFile());
        for (JsonNode u : m.path("units")) {
            if (u.path("name").asText().equals("Metadata")) {
                ((ObjectNode) u).put("indexSha256", ItSupport.sha256(index));
            }
        }
        Files.writeString(manifest, m.toPrettyString());
        exercise(dest, snapshot, String.join("\n", lines), "index");
    }

    /** Lists, verifies and restores; only a {@link BackupException} with a useful message may come out. */
    private static void exercise(Path dest, Path snapshot, String text, String what) throws IOException {
        tries++;
        String id = snapshot.getFileName().toString();
        BackupPlan plan = BackupPlan.builder().source(dest.resolveSibling("unused")).destination(dest).build();
        try {
            plan.snapshots();
            VerifyResult v = plan.verify(id);
            if (!v.ok()) {
                assertThat(v.problems()).allSatisfy(p -> assertThat(p.toString()).isNotBlank());
            }
            plan.restore(RestoreRequest.of(id).target(dest.resolveSibling("target")));
        } catch (BackupException e) {
            assertThat(e.getMessage()).as("the message for a bad " + what + ":\n" + text).isNotBlank()
                    .containsAnyOf(id, "manifest", "index", dest.toString());
        } catch (RuntimeException e) {
            throw new AssertionError("not a BackupException for a bad " + what + ":\n" + text, e);
        } finally {
            CrashBackupIT.deleteTree(dest.getParent());
        }
    }

    private static Path copyOfTemplate() throws IOException {
        Path dir = Files.createTempDirectory(work(), "try-");
        Path dest = dir.resolve("dest");
        ItSupport.Run cp = ItSupport.run(List.of("cp", "-a", template.toString(), dest.toString()),
                java.time.Duration.ofSeconds(60));
        assertThat(cp.exit()).as(cp.describe()).isZero();
        return dest;
    }

    private static Path only(Path dest) throws IOException {
        try (Stream<Path> s = Files.list(dest)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{8}T\\d{6}Z")).findFirst().orElseThrow();
        }
    }
}
