package io.backupkit.examples.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.RetentionPolicies;
import io.backupkit.ServiceControllers;
import io.backupkit.VersionCheck;
import io.backupkit.examples.cli.CliDurations;
import io.backupkit.examples.profiles.AppProfile;
import io.backupkit.examples.profiles.AppProfiles;
import io.backupkit.examples.profiles.Platform;
import io.backupkit.spi.RetentionPolicy;
import io.backupkit.spi.ServiceController;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a plan from a JSON file whose keys are the builder's names; every problem of the file is reported at once.
 *
 * <pre>{@code
 * // plex-linux.json: {"profile": "plex", "destination": "${BACKUP_ROOT}/plex", "keepDaily": 7}
 * BackupPlan plan = BackupPlans.fromJson(Path.of("plex-linux.json"))
 *     .workers(2)                                      // set after the file: wins
 *     .build();
 * }</pre>
 *
 * <p>Keys: {@code profile} (an id, or an object with {@code id}, {@code optionalExcludes}, {@code services},
 * {@code platform}), {@code source}, {@code destination}, {@code archiver}, {@code archiverOptions} (an object),
 * {@code exclude}, {@code special}, {@code split}, {@code services} (arrays of strings), {@code workers},
 * {@code retries} (integers), {@code retryWait}, {@code stopTimeout}, {@code recheckAfter} (durations such as
 * {@code "10s"}, or {@code "0"}),
 * {@code staging}, {@code noRestart}, {@code requireRunning}, {@code spaceCheck}, {@code dryRun} (booleans),
 * {@code versionCheck} ({@code NOT_NEWER}, {@code EXACT}, {@code IGNORE}), and the retention keys {@code keep},
 * {@code keepDaily}, {@code keepWeekly}, {@code keepMonthly}, {@code keepYearly}, {@code keepWithin},
 * {@code maxTotalSize} (a union, as on the command line). {@code ${VAR}} in any string is the environment
 * variable's value ({@code $${} writes a literal {@code ${}). Comments ({@code //}, {@code /* *}{@code /}) are
 * allowed; a key given twice is an error. There is no place for a password: secrets are not kept in this file.
 */
public final class BackupPlans {

    private enum Type { STRING, STRINGS, INTEGER, BOOLEAN, DURATION, SIZE, OPTIONS, PROFILE, VERSION_CHECK, SERVICES }

    private static final Map<String, Type> TOP = new LinkedHashMap<>();
    private static final Map<String, Type> PROFILE = new LinkedHashMap<>();
    private static final Pattern VAR = Pattern.compile("\\$\\$\\{|\\$\\{([^}]*)}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b?)",
            Pattern.CASE_INSENSITIVE);

    static {
        TOP.put("profile", Type.PROFILE);
        TOP.put("source", Type.STRING);
        TOP.put("destination", Type.STRING);
        TOP.put("archiver", Type.STRING);
        TOP.put("archiverOptions", Type.OPTIONS);
        TOP.put("exclude", Type.STRINGS);
        TOP.put("special", Type.STRINGS);
        TOP.put("split", Type.STRINGS);
        TOP.put("database", Type.STRINGS);
        TOP.put("workers", Type.INTEGER);
        TOP.put("retries", Type.INTEGER);
        TOP.put("retryWait", Type.DURATION);
        TOP.put("recheckAfter", Type.DURATION);
        TOP.put("staging", Type.STRING);
        TOP.put("services", Type.SERVICES);
        TOP.put("stopTimeout", Type.DURATION);
        TOP.put("noRestart", Type.BOOLEAN);
        TOP.put("requireRunning", Type.BOOLEAN);
        TOP.put("spaceCheck", Type.BOOLEAN);
        TOP.put("versionCheck", Type.VERSION_CHECK);
        TOP.put("keep", Type.INTEGER);
        TOP.put("keepDaily", Type.INTEGER);
        TOP.put("keepWeekly", Type.INTEGER);
        TOP.put("keepMonthly", Type.INTEGER);
        TOP.put("keepYearly", Type.INTEGER);
        TOP.put("keepWithin", Type.DURATION);
        TOP.put("maxTotalSize", Type.SIZE);
        TOP.put("dryRun", Type.BOOLEAN);
        PROFILE.put("id", Type.STRING);
        PROFILE.put("optionalExcludes", Type.BOOLEAN);
        PROFILE.put("services", Type.BOOLEAN);
        PROFILE.put("platform", Type.STRING);
    }

    private BackupPlans() {
    }

    /** @return the keys a file may hold at the top level, in the order they are documented */
    public static List<String> keys() {
        return List.copyOf(TOP.keySet());
    }

    /**
     * @param file a JSON configuration file
     * @return a new builder with the file's settings; whatever is set on it afterwards wins (lists are added to)
     * @throws InvalidPlanException listing every problem of the file (each naming the key and its JSON path)
     */
    public static BackupPlan.Builder fromJson(Path file) {
        return load(file).builder();
    }

    /**
     * @param file a JSON configuration file
     * @return the file, read and checked
     * @throws InvalidPlanException listing every problem of the file
     */
    public static PlanConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * @param file a JSON configuration file
     * @param env the environment {@code ${VAR}} is expanded from
     * @return the file, read and checked
     * @throws InvalidPlanException listing every problem of the file
     */
    public static PlanConfig load(Path file, Map<String, String> env) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(env, "env");
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper();
            mapper.enable(JsonParser.Feature.ALLOW_COMMENTS, JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidPlanException(List.of("configuration file " + file + " does not exist"));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new InvalidPlanException(List.of("configuration file " + file + " is not valid JSON" + where + ": "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidPlanException(List.of("configuration file " + file + " cannot be read: " + e));
        }
        return new Reader(file, env).read(root);
    }

    /** One reading of one file: collects every problem. */
    private static final class Reader {
        private final Path file;
        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();
        private final Map<String, Consumer<BackupPlan.Builder>> settings = new LinkedHashMap<>();
        private final Map<String, Object> retention = new LinkedHashMap<>();
        private AppProfile profile;

        Reader(Path file, Map<String, String> env) {
            this.file = file;
            this.env = env;
        }

        PlanConfig read(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw new InvalidPlanException(List.of("configuration file " + file + " must hold a JSON object"
                        + " ({\"destination\": ...}), was " + kind(root)));
            }
            JsonNode p = root.get("profile");
            if (p != null) {
                readProfile(p);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                Type type = TOP.get(key);
                if (type == null) {
                    problems.add(unknown(key, "$." + key, TOP, PROFILE, "inside 'profile'"));
                } else if (type != Type.PROFILE) {
                    readValue(key, type, e.getValue());
                }
            }
            if (!retention.isEmpty()) {
                Consumer<BackupPlan.Builder> policy = b -> b.retention(retention());
                String first = retention.keySet().iterator().next();
                check(first, "$." + first, policy);
                for (String key : retention.keySet()) {
                    settings.put(key, key.equals(first) ? policy : b -> { });
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems.stream().map(s -> file.getFileName() + ": " + s).toList());
            }
            return new PlanConfig(file, profile, settings);
        }

        private void readProfile(JsonNode node) {
            String id = null;
            boolean optional = false;
            boolean services = false;
            Platform platform = null;
            if (node.isTextual()) {
                id = expand(node.asText(), "profile", "$.profile");
            } else if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String key = e.getKey();
                    String path = "$.profile." + key;
                    JsonNode v = e.getValue();
                    Type type = PROFILE.get(key);
                    if (type == null) {
                        problems.add(unknown(key, path, PROFILE, TOP, "at the top level"));
                    } else if (type == Type.BOOLEAN) {
                        if (!v.isBoolean()) {
                            problems.add(wrongType(key, path, "a boolean (true or false)", v));
                        } else if (key.equals("optionalExcludes")) {
                            optional = v.asBoolean();
                        } else {
                            services = v.asBoolean();
                        }
                    } else if (!v.isTextual()) {
                        problems.add(wrongType(key, path, "a string", v));
                    } else if (key.equals("id")) {
                        id = expand(v.asText(), key, path);
                    } else {
                        String name = expand(v.asText(), key, path);
                        if (name != null) {
                            try {
                                platform = Platform.valueOf(name.strip().toUpperCase(Locale.ROOT));
                            } catch (IllegalArgumentException ex) {
                                problems.add("key 'platform' (at " + path + ") must be one of "
                                        + List.of(Platform.values()).toString().toLowerCase(Locale.ROOT)
                                        + ", was '" + name + "'");
                            }
                        }
                    }
                }
                if (id == null && !node.has("id")) {
                    problems.add("key 'profile' (at $.profile) needs an 'id', one of " + AppProfiles.IDS);
                }
            } else {
                problems.add(wrongType("profile", "$.profile", "a profile id (a string) or an object with 'id'",
                        node));
                return;
            }
            if (id == null) {
                return;
            }
            AppProfile found = AppProfiles.byId(id).orElse(null);
            if (found == null) {
                problems.add("key 'profile' (at $.profile" + (node.isObject() ? ".id" : "") + ") names no profile: '"
                        + id + "'; the profiles are " + String.join(", ", AppProfiles.IDS));
                return;
            }
            found = found.withOptionalExcludes(optional).withServices(services);
            if (platform != null) {
                found = found.onPlatform(platform);
            }
            profile = found;
            AppProfile applied = found;
            settings.put("profile", b -> b.apply(applied));
            check("profile", "$.profile", b -> b.apply(applied));
        }

        private void readValue(String key, Type type, JsonNode v) {
            String path = "$." + key;
            switch (type) {
                case STRING -> {
                    if (!v.isTextual()) {
                        problems.add(wrongType(key, path, "a string", v));
                        return;
                    }
                    String s = expand(v.asText(), key, path);
                    if (s != null) {
                        put(key, path, switch (key) {
                            case "source" -> b -> b.source(s);
                            case "destination" -> b -> b.destination(s);
                            case "archiver" -> b -> b.archiver(s);
                            default -> b -> b.staging(s);
                        });
                    }
                }
                case STRINGS, SERVICES -> {
                    List<String> list = strings(key, path, v);
                    if (list == null) {
                        return;
                    }
                    String[] a = list.toArray(String[]::new);
                    put(key, path, switch (key) {
                        case "exclude" -> b -> b.exclude(a);
                        case "special" -> b -> b.special(a);
                        case "split" -> b -> b.split(a);
                        case "database" -> b -> b.database(a);
                        default -> b -> b.service(list.stream().map(ServiceControllers::parse)
                                .toArray(ServiceController[]::new));
                    });
                }
                case INTEGER -> {
                    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                        problems.add(wrongType(key, path, "an integer", v));
                        return;
                    }
                    int n = v.asInt();
                    if (key.startsWith("keep")) {
                        if (n < 1) {
                            problems.add("key '" + key + "' (at " + path + ") must be at least 1, was " + n);
                        } else {
                            retention.put(key, n);
                        }
                        return;
                    }
                    put(key, path, key.equals("workers") ? b -> b.workers(n) : b -> b.retries(n));
                }
                case BOOLEAN -> {
                    if (!v.isBoolean()) {
                        problems.add(wrongType(key, path, "a boolean (true or false)", v));
                        return;
                    }
                    boolean f = v.asBoolean();
                    put(key, path, switch (key) {
                        case "noRestart" -> b -> b.noRestart(f);
                        case "requireRunning" -> b -> b.requireRunning(f);
                        case "spaceCheck" -> b -> b.spaceCheck(f);
                        default -> b -> b.dryRun(f);
                    });
                }
                case DURATION -> {
                    if (!v.isTextual()) {
                        problems.add(wrongType(key, path, "a duration string such as \"10s\", \"2m\" or \"PT6H\"", v));
                        return;
                    }
                    String s = expand(v.asText(), key, path);
                    if (s == null) {
                        return;
                    }
                    Duration d;
                    try {
                        d = CliDurations.parse("key '" + key + "' (at " + path + ")", s);
                    } catch (IllegalArgumentException e) {
                        problems.add(e.getMessage());
                        return;
                    }
                    if (key.equals("keepWithin")) {
                        if (d.isZero() || d.isNegative()) {
                            problems.add("key 'keepWithin' (at " + path + ") must be longer than zero, was '" + s + "'");
                        } else {
                            retention.put(key, d);
                        }
                        return;
                    }
                    put(key, path, switch (key) {
                        case "retryWait" -> b -> b.retryWait(d);
                        case "recheckAfter" -> b -> b.recheckAfter(d);
                        default -> b -> b.stopTimeout(d);
                    });
                }
                case SIZE -> {
                    long bytes = size(key, path, v);
                    if (bytes > 0) {
                        retention.put(key, bytes);
                    }
                }
                case VERSION_CHECK -> {
                    if (!v.isTextual()) {
                        problems.add(wrongType(key, path, "a string: NOT_NEWER, EXACT or IGNORE", v));
                        return;
                    }
                    String s = expand(v.asText(), key, path);
                    if (s == null) {
                        return;
                    }
                    try {
                        VersionCheck c = VersionCheck.valueOf(s.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
                        put(key, path, b -> b.versionCheck(c));
                    } catch (IllegalArgumentException e) {
                        problems.add("key 'versionCheck' (at " + path + ") must be NOT_NEWER, EXACT or IGNORE, was '"
                                + s + "'");
                    }
                }
                case OPTIONS -> {
                    if (!v.isObject()) {
                        problems.add(wrongType(key, path, "an object of option names to values", v));
                        return;
                    }
                    Map<String, String> options = new LinkedHashMap<>();
                    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        String p = path + "." + e.getKey();
                        JsonNode o = e.getValue();
                        if (o.isTextual()) {
                            String s = expand(o.asText(), e.getKey(), p);
                            if (s != null) {
                                options.put(e.getKey(), s);
                            }
                        } else if (o.isNumber() || o.isBoolean()) {
                            options.put(e.getKey(), o.asText());
                        } else {
                            problems.add(wrongType(e.getKey(), p, "a string, number or boolean", o));
                        }
                    }
                    put(key, path, b -> options.forEach(b::archiverOption));
                }
                default -> throw new IllegalStateException(type.name());
            }
        }

        private RetentionPolicy retention() {
            List<RetentionPolicy> policies = new ArrayList<>();
            if (retention.containsKey("keep")) {
                policies.add(RetentionPolicies.keepLast((Integer) retention.get("keep")));
            }
            if (retention.keySet().stream().anyMatch(k -> k.matches("keep(Daily|Weekly|Monthly|Yearly)"))) {
                RetentionPolicies.Gfs gfs = RetentionPolicies.gfs();
                if (retention.containsKey("keepDaily")) {
                    gfs = gfs.daily((Integer) retention.get("keepDaily"));
                }
                if (retention.containsKey("keepWeekly")) {
                    gfs = gfs.weekly((Integer) retention.get("keepWeekly"));
                }
                if (retention.containsKey("keepMonthly")) {
                    gfs = gfs.monthly((Integer) retention.get("keepMonthly"));
                }
                if (retention.containsKey("keepYearly")) {
                    gfs = gfs.yearly((Integer) retention.get("keepYearly"));
                }
                policies.add(gfs);
            }
            if (retention.containsKey("keepWithin")) {
                policies.add(RetentionPolicies.keepWithin((Duration) retention.get("keepWithin")));
            }
            if (retention.containsKey("maxTotalSize")) {
                policies.add(RetentionPolicies.maxTotalSize((Long) retention.get("maxTotalSize")));
            }
            return policies.size() == 1 ? policies.get(0)
                    : RetentionPolicies.union(policies.toArray(RetentionPolicy[]::new));
        }

        private void put(String key, String path, Consumer<BackupPlan.Builder> setting) {
            if (check(key, path, setting)) {
                settings.put(key, setting);
            }
        }

        /** Tries the setting on a scratch builder, so the builder's own checks are reported with the key. */
        private boolean check(String key, String path, Consumer<BackupPlan.Builder> setting) {
            try {
                setting.accept(BackupPlan.builder());
                return true;
            } catch (InvalidPlanException e) {
                for (String p : e.problems()) {
                    problems.add("key '" + key + "' (at " + path + "): " + p);
                }
                return false;
            }
        }

        private List<String> strings(String key, String path, JsonNode v) {
            if (!v.isArray()) {
                problems.add(wrongType(key, path, "an array of strings", v));
                return null;
            }
            List<String> list = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                String p = path + "[" + i + "]";
                if (!item.isTextual()) {
                    problems.add(wrongType(key, p, "a string", item));
                    ok = false;
                } else {
                    String s = expand(item.asText(), key, p);
                    if (s == null) {
                        ok = false;
                    } else {
                        list.add(s);
                    }
                }
            }
            return ok ? list : null;
        }

        private long size(String key, String path, JsonNode v) {
            if (v.isIntegralNumber() && v.canConvertToLong()) {
                if (v.asLong() >= 1) {
                    return v.asLong();
                }
                problems.add("key '" + key + "' (at " + path + ") must be at least 1 byte, was " + v.asLong());
                return -1;
            }
            if (!v.isTextual()) {
                problems.add(wrongType(key, path, "a size such as \"500G\" or a number of bytes", v));
                return -1;
            }
            String text = expand(v.asText(), key, path);
            if (text == null) {
                return -1;
            }
            Matcher m = SIZE.matcher(text.strip());
            if (m.matches() && !(m.group(2).isEmpty() && m.group(3).toLowerCase(Locale.ROOT).startsWith("i"))) {
                int power = m.group(2).isEmpty() ? 0 : "kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
                try {
                    long bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1024).pow(power))
                            .setScale(0, RoundingMode.DOWN).longValueExact();
                    if (bytes >= 1) {
                        return bytes;
                    }
                } catch (ArithmeticException e) {
                    // refused below
                }
            }
            problems.add("key '" + key + "' (at " + path + ") must be a size such as \"500G\", \"20MB\" or a number"
                    + " of bytes, was '" + text + "'");
            return -1;
        }

        /** @return the text with {@code ${VAR}} expanded, or null when a variable is unset (a problem is added) */
        private String expand(String text, String key, String path) {
            Matcher m = VAR.matcher(text);
            StringBuilder sb = new StringBuilder();
            boolean ok = true;
            while (m.find()) {
                if (m.group().equals("$${")) {
                    m.appendReplacement(sb, Matcher.quoteReplacement("${"));
                    continue;
                }
                String name = m.group(1);
                String value = NAME.matcher(name).matches() ? env.get(name) : null;
                if (!NAME.matcher(name).matches()) {
                    problems.add("key '" + key + "' (at " + path + "): '${" + name + "}' is not a valid variable"
                            + " name");
                    ok = false;
                } else if (value == null) {
                    problems.add("key '" + key + "' (at " + path + ") uses the environment variable " + name
                            + ", which is not set");
                    ok = false;
                } else {
                    m.appendReplacement(sb, Matcher.quoteReplacement(value));
                }
            }
            m.appendTail(sb);
            return ok ? sb.toString() : null;
        }
    }

    private static String unknown(String key, String path, Map<String, Type> here, Map<String, Type> elsewhere,
                                  String where) {
        if (elsewhere.containsKey(key)) {
            return "key '" + key + "' (at " + path + ") is valid only " + where;
        }
        String message = "unknown key '" + key + "' (at " + path + ")";
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (String candidate : here.keySet()) {
            int d = levenshtein(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < best) {
                best = d;
                nearest = candidate;
            }
        }
        if (nearest != null && best <= 3) {
            message += "; did you mean '" + nearest + "'?";
        } else {
            message += "; valid keys: " + String.join(", ", here.keySet());
        }
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.contains("password") || lower.contains("secret") || lower.contains("token")) {
            message += " (secrets are never kept in a configuration file)";
        }
        return message;
    }

    private static String wrongType(String key, String path, String expected, JsonNode v) {
        return "key '" + key + "' (at " + path + ") must be " + expected + ", was " + kind(v);
    }

    private static String kind(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "null";
        }
        String type = v.isTextual() ? "a string" : v.isBoolean() ? "a boolean" : v.isNumber() ? "a number"
                : v.isArray() ? "an array" : "an object";
        String text = v.toString();
        return type + " (" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + ")";
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
