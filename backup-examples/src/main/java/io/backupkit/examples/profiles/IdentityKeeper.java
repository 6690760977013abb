package io.backupkit.examples.profiles;

import io.backupkit.RestoreStep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The restore step behind {@link AppProfile#keepIdentity()}: restores "as an additional server". For each identity
 * item, the target's own value goes into the extracted files; when the target has none (a fresh folder), the
 * snapshot's is left out, so the application makes a new identity at its first start. Only the extracted files are
 * changed; the target is only read. A file a partial restore does not restore is left alone.
 *
 * <pre>{@code
 * plan.restore(RestoreRequest.latest().target(newServer).step(AppProfiles.plex().keepIdentity()));
 * }</pre>
 */
final class IdentityKeeper implements RestoreStep {

    private final String app;
    private final List<IdentityItem> items;

    IdentityKeeper(String app, List<IdentityItem> items) {
        this.app = app;
        this.items = List.copyOf(items);
    }

    @Override
    public String description() {
        Map<String, List<String>> byFile = new LinkedHashMap<>();
        for (IdentityItem i : items) {
            List<String> names = byFile.computeIfAbsent(i.file(), f -> new ArrayList<>());
            if (i.name() != null) {
                names.add(i.name());
            }
        }
        List<String> parts = new ArrayList<>();
        byFile.forEach((f, names) -> parts.add(names.isEmpty() ? f : f + " " + String.join(", ", names)));
        return "keep the target's own " + app + " identity (" + String.join("; ", parts) + ")";
    }

    @Override
    public String toString() {
        return description();
    }

    @Override
    public void apply(Staged staged) throws IOException {
        Map<String, List<IdentityItem>> byFile = new LinkedHashMap<>();
        for (IdentityItem i : items) {
            byFile.computeIfAbsent(i.file(), f -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<String, List<IdentityItem>> e : byFile.entrySet()) {
            String file = e.getKey();
            if (!restored(staged.only(), file)) {
                staged.note(file + " is not part of this partial restore: the target keeps its own");
                continue;
            }
            Path restored = resolve(staged.extracted(), file);
            Path live = resolve(staged.target(), file);
            boolean whole = e.getValue().stream().anyMatch(i -> i.kind() == IdentityItem.Kind.FILE);
            if (whole) {
                keepFile(staged, file, e.getValue().get(0), restored, live);
            } else {
                keepValues(staged, file, e.getValue(), restored, live);
            }
        }
    }

    private void keepFile(Staged staged, String file, IdentityItem item, Path restored, Path live)
            throws IOException {
        boolean inTarget = present(live, file, "target");
        boolean inSnapshot = present(restored, file, "snapshot");
        if (inTarget) {
            Files.createDirectories(restored.getParent());
            Files.copy(live, restored, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                    LinkOption.NOFOLLOW_LINKS);
            staged.note("kept the target's " + file + " (" + item.about() + ")");
        } else if (inSnapshot) {
            Files.delete(restored);
            staged.note("removed " + file + " (" + item.about() + ") from the restored files: the target has none, so "
                    + item.whenRemoved());
        } else {
            staged.note(file + " (" + item.about() + ") is in neither the snapshot nor the target: nothing to keep");
        }
    }

    private void keepValues(Staged staged, String file, List<IdentityItem> values, Path restored, Path live)
            throws IOException {
        boolean inTarget = present(live, file, "target");
        boolean inSnapshot = present(restored, file, "snapshot");
        if (!inSnapshot) {
            if (inTarget) {
                // nothing of the snapshot's to keep the identity in: the target's whole file stays instead
                Files.createDirectories(restored.getParent());
                Files.copy(live, restored, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                staged.note("the snapshot holds no " + file + ": kept the target's whole " + file
                        + " (it holds the identity)");
            } else {
                staged.note(file + " is in neither the snapshot nor the target: nothing to keep");
            }
            return;
        }
        XmlFile target = inTarget ? XmlFile.read(live, file + " of the target") : null;
        XmlFile snapshot = XmlFile.read(restored, file + " of the snapshot");
        List<String> kept = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        Set<String> consequences = new LinkedHashSet<>();
        for (IdentityItem item : values) {
            boolean attribute = item.kind() == IdentityItem.Kind.XML_ATTRIBUTE;
            Optional<String> own = target == null ? Optional.empty()
                    : attribute ? target.attribute(item.name()) : target.element(item.name());
            if (own.isPresent()) {
                if (attribute) {
                    snapshot.setAttribute(item.name(), own.get());
                } else {
                    snapshot.setElement(item.name(), own.get());
                }
                kept.add(item.name());
            } else if (attribute ? snapshot.removeAttribute(item.name()) : snapshot.removeElement(item.name())) {
                removed.add(item.name());
                consequences.add(item.whenRemoved());
            }
        }
        snapshot.write();
        if (!kept.isEmpty()) {
            staged.note("kept the target's " + String.join(", ", kept) + " in " + file);
        }
        if (!removed.isEmpty()) {
            staged.note("removed " + String.join(", ", removed) + " from the restored " + file + ": the target has "
                    + (target == null ? "no " + file : "none") + ", so " + String.join("; ", consequences));
        }
        if (kept.isEmpty() && removed.isEmpty()) {
            staged.note(file + " holds no identity in the snapshot or the target: nothing to keep");
        }
    }

    /** @return whether the file is there; a folder or link in its place is refused, naming it */
    private static boolean present(Path p, String file, String where) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " of the " + where + " (" + p + ") is not a regular file; cannot keep the "
                    + "target's identity");
        }
        return true;
    }

    /** @return whether a restore of only these paths (none: everything) restores the file */
    private static boolean restored(List<String> only, String file) {
        return only.isEmpty() || only.stream().anyMatch(o -> file.equals(o) || file.startsWith(o + "/"));
    }

    private static Path resolve(Path root, String rel) {
        Path p = root;
        for (String part : rel.split("/")) {
            p = p.resolve(part);
        }
        return p;
    }
}
