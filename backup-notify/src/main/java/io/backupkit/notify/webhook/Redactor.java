package io.backupkit.notify.webhook;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Hides a webhook's secrets: the URL shown as {@code scheme://host[:port]/…}, and every secret (header values, the
 * URL's user-info, path and query) cut out of any text that came from elsewhere (an exception message, a response
 * body that echoes the request).
 *
 * <pre>{@code
 * Redactor r = Redactor.of(uri, headerValues);
 * String safe = r.scrub(e.getMessage());
 * }</pre>
 */
final class Redactor {

    /** What replaces a secret. */
    static final String MASK = "…";

    /** Secrets shorter than this are not searched for: a one-digit header value would mask every digit. */
    private static final int MIN_SECRET = 4;

    /**
     * Parts of a URL's path or query shorter than this are not searched for on their own (tokens and webhook ids
     * are long; {@code hook} or {@code topic} would mask ordinary words); the whole path and query always are.
     */
    private static final int MIN_URL_PART = 10;

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
    }

    /**
     * @param uri the webhook URL, or {@code null}
     * @param more further secrets (header values)
     * @return a redactor hiding every part of the URL after its host and port, and {@code more}
     */
    static Redactor of(URI uri, Collection<String> more) {
        Set<String> found = new LinkedHashSet<>();
        if (uri != null) {
            found.add(uri.toString());
            found.add(uri.getRawSchemeSpecificPart());
            addParts(found, uri.getRawUserInfo(), uri.getUserInfo());
            addParts(found, uri.getRawPath(), uri.getPath());
            addParts(found, uri.getRawQuery(), uri.getQuery());
            addParts(found, uri.getRawFragment(), uri.getFragment());
        }
        for (String s : more) {
            if (s != null) {
                found.add(s);
                found.add(s.strip());
            }
        }
        List<String> list = new ArrayList<>();
        for (String s : found) {
            if (s != null && s.length() >= MIN_SECRET) {
                list.add(s);
            }
        }
        list.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(list));
    }

    private static void addParts(Set<String> into, String raw, String decoded) {
        for (String s : new String[] {raw, decoded}) {
            if (s == null || s.isEmpty() || s.equals("/")) {
                continue;
            }
            into.add(s);
            for (String part : s.split("[/?&=:;,@#]")) {
                if (part.length() >= MIN_URL_PART) {
                    into.add(part);
                }
            }
        }
    }

    /**
     * @param text any text, or {@code null}
     * @return it with every secret replaced by {@value #MASK}; {@code null} stays {@code null}
     */
    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        return out;
    }

    /**
     * @param uri a URL, or {@code null}
     * @return {@code scheme://host[:port]} followed by {@code /…} when it has a path or query, {@code /} when its
     *         path is just {@code /}; never the user-info, path, query or fragment
     */
    static String endpoint(URI uri) {
        if (uri == null || uri.getScheme() == null) {
            return "(relative URI, not shown)";
        }
        if (uri.getHost() == null) {
            return uri.getScheme() + ":" + MASK;
        }
        StringBuilder b = new StringBuilder().append(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() != -1) {
            b.append(':').append(uri.getPort());
        }
        String path = uri.getRawPath();
        boolean more = (path != null && path.length() > 1) || uri.getRawQuery() != null
                || uri.getRawFragment() != null;
        if (more) {
            b.append('/').append(MASK);
        } else if ("/".equals(path)) {
            b.append('/');
        }
        return b.toString();
    }
}
