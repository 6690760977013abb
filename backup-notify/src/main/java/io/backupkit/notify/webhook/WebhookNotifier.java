package io.backupkit.notify.webhook;

import io.backupkit.InvalidPlanException;
import io.backupkit.RunReport;
import io.backupkit.internal.Version;
import io.backupkit.spi.Notification;
import io.backupkit.spi.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Posts every notification to a webhook: the run report as JSON, a Discord or Slack message, or an ntfy push.
 * Immutable and thread-safe; made by {@link io.backupkit.notify.Notifiers#webhook(String)}. It owns one
 * {@link HttpClient} (HTTP/1.1, redirects followed except from https to http) and starts no thread of its own.
 *
 * <pre>{@code
 * Notifier discord = Notifiers.webhook(System.getenv("DISCORD_WEBHOOK_URL"))
 *         .format(WebhookNotifier.Format.DISCORD)
 *         .build();
 * Notifier ntfy = Notifiers.webhook("https://ntfy.example.com/backups")
 *         .format(WebhookNotifier.Format.parse("ntfy"))
 *         .bearerTokenFromEnv("NTFY_TOKEN")
 *         .requestTimeout(Duration.ofSeconds(15))
 *         .build();
 * ntfy.id();        // "webhook:ntfy:ntfy.example.com"
 * }</pre>
 *
 * <p><b>Retries and time.</b> An answer 500-599, a 429 or an I/O failure (refused connection, timeout) is tried
 * again up to {@link Builder#retries(int)} times, {@link Builder#retryWait(Duration)} apart; after a 429 its
 * {@code Retry-After} is waited for instead, at most {@link #MAX_RETRY_AFTER}. Any other answer (a 404, a 401, a
 * redirect it may not follow) fails at once. Each attempt is cut off after connect timeout plus request timeout, so
 * one {@link #send(Notification)} takes at most {@link #maxSendTime()}: {@code (retries + 1) x (connectTimeout +
 * requestTimeout) + retries x max(retryWait, 5 s)}, 130 s with the defaults.
 *
 * <p><b>Secrets.</b> Header values, the bearer token and the URL's user-info, path and query (a Discord or Slack
 * webhook URL is itself the secret; an ntfy topic is one too) never appear in {@link #toString()}, {@link #id()},
 * a log line or an exception message: the endpoint is shown as {@code scheme://host[:port]/…}, and a response
 * body or exception message that echoes a secret has it masked.
 */
public final class WebhookNotifier implements Notifier {

    /** Default time to open a connection: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default time for one request's answer: 30 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Default number of retries after the first attempt: 2. */
    public static final int DEFAULT_RETRIES = 2;
    /** Default wait before a retry: 2 s. */
    public static final Duration DEFAULT_RETRY_WAIT = Duration.ofSeconds(2);
    /** Longest {@code Retry-After} honoured after a 429; a longer one is cut to this: 5 s. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(5);
    /** Longest connect or request timeout accepted: 5 minutes. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    /** Most retries accepted: 10. */
    public static final int MAX_RETRIES = 10;
    /** Longest retry wait accepted: 1 minute. */
    public static final Duration MAX_RETRY_WAIT = Duration.ofMinutes(1);
    /** Characters of an error answer quoted in the exception message: 200. */
    public static final int BODY_EXCERPT = 200;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    /** Headers the HTTP client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host",
            "upgrade");
    /** Bytes of an answer read at most (enough for the excerpt). */
    private static final int BODY_READ = 4096;

    /**
     * What a webhook's body looks like.
     *
     * <pre>{@code
     * WebhookNotifier.Format f = WebhookNotifier.Format.parse("discord");   // DISCORD
     * }</pre>
     */
    public enum Format {
        /** The whole {@link RunReport} as one JSON object, {@code Content-Type: application/json}. */
        JSON,
        /** A Discord message with one embed (green or red), within Discord's size limits. */
        DISCORD,
        /** A Slack incoming-webhook message with mrkdwn section blocks, within Slack's size limits. */
        SLACK,
        /** An ntfy push: a plain-text body with {@code Title}, {@code Priority} and {@code Tags} headers. */
        NTFY;

        /**
         * @return the lower-case name, as {@link #parse(String)} and {@link WebhookNotifier#id()} use it
         */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param name a format name in any case, e.g. {@code "discord"}
         * @return the format
         * @throws InvalidPlanException quoting the name and listing the formats, if it is none of them
         */
        public static Format parse(String name) {
            String n = name == null ? "" : name.strip();
            for (Format f : values()) {
                if (f.id().equalsIgnoreCase(n)) {
                    return f;
                }
            }
            throw new InvalidPlanException(List.of("unknown webhook format '" + name + "'; use one of "
                    + Arrays.stream(values()).map(Format::id).collect(Collectors.joining(", "))));
        }
    }

    private final URI requestUri;
    private final String endpoint;
    private final Format format;
    private final Map<String, Header> headers;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int retries;
    private final Duration retryWait;
    private final Redactor redactor;
    private final HttpClient client;

    private WebhookNotifier(URI requestUri, String endpoint, Format format, Map<String, Header> headers,
                            Duration connectTimeout, Duration requestTimeout, int retries, Duration retryWait,
                            Redactor redactor) {
        this.requestUri = requestUri;
        this.endpoint = endpoint;
        this.format = format;
        this.headers = headers;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.retries = retries;
        this.retryWait = retryWait;
        this.redactor = redactor;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * @param uri the webhook URL
     * @return a builder; prefer {@link io.backupkit.notify.Notifiers#webhook(String)}
     */
    public static Builder builder(String uri) {
        return new Builder(Objects.requireNonNull(uri, "uri"), null);
    }

    /**
     * @param uri the webhook URL
     * @return a builder; prefer {@link io.backupkit.notify.Notifiers#webhook(URI)}
     */
    public static Builder builder(URI uri) {
        return new Builder(null, Objects.requireNonNull(uri, "uri"));
    }

    /**
     * @return {@code webhook:<format>:<host>}, e.g. {@code "webhook:discord:discord.com"}
     */
    @Override
    public String id() {
        return "webhook:" + format.id() + ":" + requestUri.getHost();
    }

    /**
     * @return the endpoint as shown in messages: {@code scheme://host[:port]/…}
     */
    public String endpoint() {
        return endpoint;
    }

    /**
     * @return the body format
     */
    public Format format() {
        return format;
    }

    /**
     * @return the longest one {@link #send(Notification)} can take: {@code (retries + 1) x (connectTimeout +
     *         requestTimeout) + retries x max(retryWait, MAX_RETRY_AFTER)}
     */
    public Duration maxSendTime() {
        Duration attempt = connectTimeout.plus(requestTimeout);
        Duration wait = retryWait.compareTo(MAX_RETRY_AFTER) > 0 ? retryWait : MAX_RETRY_AFTER;
        return attempt.multipliedBy(retries + 1L).plus(wait.multipliedBy(retries));
    }

    /**
     * Posts the report. The log attachment is not uploaded: a webhook carries text, and the JSON format names the
     * log files instead.
     *
     * @param notification the run's report
     * @throws WebhookException when the webhook answered with an error or could not be reached, after the retries
     * @throws InterruptedException when the thread was interrupted while waiting; the request is cancelled
     */
    @Override
    public void send(Notification notification) throws InterruptedException {
        Objects.requireNonNull(notification, "notification");
        Payloads.Payload payload = Payloads.of(format, notification.report());
        HttpRequest request = request(payload);
        int attempts = retries + 1;
        Attempt last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            long start = System.nanoTime();
            last = attempt(request);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (last.ok()) {
                LOG.debug("Webhook {} ({}) took the notification in {} ms (attempt {})", endpoint, format.id(), ms,
                        attempt);
                return;
            }
            if (!last.retryable() || attempt == attempts) {
                throw failure(last, attempt);
            }
            Duration wait = last.retryAfter() != null ? last.retryAfter() : retryWait;
            LOG.info("Webhook {} ({}) {}; retry {} of {} in {} ms", endpoint, format.id(), last.what(), attempt,
                    retries, wait.toMillis());
            Thread.sleep(wait.toMillis());
        }
        throw failure(last, attempts); // not reached
    }

    private HttpRequest request(Payloads.Payload payload) {
        HttpRequest.Builder b = HttpRequest.newBuilder(requestUri)
                .timeout(requestTimeout)
                .header("User-Agent", "BackupKit/" + Version.current())
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload.body()));
        if (!headers.containsKey("content-type")) {
            b.header("Content-Type", payload.contentType());
        }
        for (Map.Entry<String, String> h : payload.headers().entrySet()) {
            if (!headers.containsKey(h.getKey().toLowerCase(Locale.ROOT))) {
                b.header(h.getKey(), h.getValue());
            }
        }
        for (Header h : headers.values()) {
            b.header(h.name(), h.value());
        }
        return b.build();
    }

    /** One attempt's result: an answer's status and body start, or the I/O failure. */
    private record Attempt(int status, String body, IOException failure, Duration retryAfter) {

        boolean ok() {
            return failure == null && status >= 200 && status < 300;
        }

        boolean retryable() {
            return failure != null || status == 429 || (status >= 500 && status < 600);
        }

        String what() {
            return failure != null ? "failed: " + ioMessage(failure) : "answered HTTP " + status;
        }
    }

    private Attempt attempt(HttpRequest request) throws InterruptedException {
        CompletableFuture<HttpResponse<String>> future = client.sendAsync(request, Head::new);
        long limit = connectTimeout.plus(requestTimeout).toMillis();
        try {
            HttpResponse<String> response = future.get(limit, TimeUnit.MILLISECONDS);
            Duration retryAfter = response.statusCode() == 429 ? retryAfter(response.headers()) : null;
            return new Attempt(response.statusCode(), response.body(), null, retryAfter);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Attempt(-1, null, new HttpTimeoutException("no answer within " + limit + " ms"), null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            IOException io = cause instanceof IOException x ? x : new IOException(cause);
            return new Attempt(-1, null, io, null);
        } catch (CancellationException e) {
            return new Attempt(-1, null, new IOException("request cancelled"), null);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    /** Retry-After as delta-seconds or an HTTP date, cut to {@link #MAX_RETRY_AFTER}; {@code null} if absent. */
    static Duration retryAfter(HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(value.strip()));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                d = Duration.between(java.time.Instant.now(), at.toInstant());
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    private WebhookException failure(Attempt a, int attempts) {
        String tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
        String prefix = "Webhook " + endpoint + " (" + format.id() + ")";
        if (a.failure() != null) {
            return new WebhookException(prefix + " failed after " + tries + ": "
                    + redactor.scrub(ioMessage(a.failure())), -1, safeCause(a.failure()));
        }
        String body = excerpt(a.body());
        return new WebhookException(prefix + " answered HTTP " + a.status() + " after " + tries
                + (body.isEmpty() ? " with an empty body" : ": " + body), a.status(), null);
    }

    /** The answer's first {@link #BODY_EXCERPT} characters on one line, secrets masked. */
    private String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String line = redactor.scrub(Payloads.oneLine(body).replaceAll("\\s+", " "));
        if (line.length() <= BODY_EXCERPT) {
            return line;
        }
        int end = BODY_EXCERPT;
        if (Character.isHighSurrogate(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(0, end) + Redactor.MASK;
    }

    /** The exception's type and the first message found along its causes, e.g. "ConnectException: ...". */
    static String ioMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return c.getClass().getSimpleName() + ": " + c.getMessage();
            }
        }
        return t.getClass().getSimpleName();
    }

    /** The failure itself when no message along its causes holds a secret; else a masked copy of the chain. */
    private Throwable safeCause(Throwable t) {
        boolean clean = true;
        for (Throwable c = t; c != null; c = c.getCause()) {
            String s = c.toString();
            clean &= redactor.scrub(s).equals(s);
        }
        return clean ? t : masked(t);
    }

    private IOException masked(Throwable t) {
        IOException copy = new IOException(redactor.scrub(t.toString()),
                t.getCause() == null ? null : masked(t.getCause()));
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    /**
     * @return e.g. {@code WebhookNotifier[discord https://discord.com/…, headers [Authorization], connect timeout
     *         PT10S, request timeout PT30S, retries 2, retry wait PT2S]}; header values and the URL's path, query
     *         and user-info are never shown
     */
    @Override
    public String toString() {
        String names = headers.values().stream().map(Header::name).collect(Collectors.joining(", "));
        return "WebhookNotifier[" + format.id() + " " + endpoint + ", headers [" + names + "], connect timeout "
                + connectTimeout + ", request timeout " + requestTimeout + ", retries " + retries + ", retry wait "
                + retryWait + "]";
    }

    /** A header to send; its value is a secret and not in {@link #toString()}. */
    private record Header(String name, String value) {
        @Override
        public String toString() {
            return name + ": " + Redactor.MASK;
        }
    }

    /** Collects the first {@link #BODY_READ} bytes of an answer, then stops reading. */
    private static final class Head implements HttpResponse.BodySubscriber<String> {

        private final Charset charset;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Head(HttpResponse.ResponseInfo info) {
            this.charset = charset(info.headers());
        }

        private static Charset charset(HttpHeaders headers) {
            String type = headers.firstValue("Content-Type").orElse("");
            for (String part : type.split(";")) {
                String p = part.strip();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(p.substring(8).replace("\"", "").strip());
                    } catch (RuntimeException unknown) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
            return StandardCharsets.UTF_8;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), BODY_READ - bytes.size());
                byte[] a = new byte[n];
                b.get(a);
                bytes.write(a, 0, n);
            }
            if (bytes.size() >= BODY_READ) {
                subscription.cancel();
                onComplete();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(charset));
        }

        @Override
        public java.util.concurrent.CompletionStage<String> getBody() {
            return result;
        }
    }

    /**
     * Builds a {@link WebhookNotifier}. Setters reject {@code null} at once; {@link #build()} checks everything
     * else and reports every problem together.
     *
     * <pre>{@code
     * WebhookNotifier n = Notifiers.webhook("https://hooks.example.com/backup")
     *         .header("X-Api-Key", System.getenv("HOOK_KEY"))
     *         .retries(3).retryWait(Duration.ofSeconds(5))
     *         .build();
     * }</pre>
     */
    public static final class Builder {

        private final String text;
        private final URI given;
        private Format format = Format.JSON;
        /** By lower-case name. */
        private final Map<String, Header> headers = new LinkedHashMap<>();
        private String bearerTokenVariable;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int retries = DEFAULT_RETRIES;
        private Duration retryWait = DEFAULT_RETRY_WAIT;
        private UnaryOperator<String> environment = System::getenv;

        private Builder(String text, URI given) {
            this.text = text;
            this.given = given;
        }

        /**
         * @param format the body format; default {@link Format#JSON}
         * @return this builder
         * @throws InvalidPlanException if {@code format} is null
         */
        public Builder format(Format format) {
            this.format = nonNull(format, "webhook format");
            return this;
        }

        /**
         * Adds a header to every request, e.g. an API key; its value is treated as a secret. A header of the
         * format with the same name (ntfy's {@code Priority}, {@code Content-Type}) is replaced by it; setting the
         * same name again replaces the earlier value.
         *
         * @param name the header name, e.g. {@code "X-Api-Key"}; checked by {@link #build()}
         * @param value its value; checked by {@link #build()}, never shown
         * @return this builder; no headers by default
         * @throws InvalidPlanException if either is null
         */
        public Builder header(String name, String value) {
            nonNull(name, "header name");
            if (value == null) {
                throw new InvalidPlanException(List.of("value of header '" + name + "' must not be null"));
            }
            headers.put(name.toLowerCase(Locale.ROOT), new Header(name, value));
            return this;
        }

        /**
         * Sends {@code Authorization: Bearer <token>} (ntfy access tokens, most webhook services).
         *
         * @param token the token; never shown
         * @return this builder; no token by default
         * @throws InvalidPlanException if {@code token} is null
         */
        public Builder bearerToken(String token) {
            nonNull(token, "bearer token");
            bearerTokenVariable = null;
            return header("Authorization", "Bearer " + token);
        }

        /**
         * Like {@link #bearerToken(String)} with the token read from an environment variable when {@link #build()}
         * runs, so that it stays out of command lines and configuration files.
         *
         * @param variable the variable's name, e.g. {@code "NTFY_TOKEN"}; {@link #build()} fails if it is unset
         *                 or blank
         * @return this builder; no token by default
         * @throws InvalidPlanException if {@code variable} is null
         */
        public Builder bearerTokenFromEnv(String variable) {
            bearerTokenVariable = nonNull(variable, "bearer token variable");
            headers.remove("authorization");
            return this;
        }

        /**
         * @param timeout the longest wait for a connection; default 10 s; checked
         *                by {@link #build()} (more than zero, at most 5 minutes)
         * @return this builder
         * @throws InvalidPlanException if {@code timeout} is null
         */
        public Builder connectTimeout(Duration timeout) {
            connectTimeout = nonNull(timeout, "connect timeout");
            return this;
        }

        /**
         * @param timeout the longest wait for one request's answer; default 30 s; checked by {@link #build()}
         *                (more than zero, at most 5 minutes)
         * @return this builder
         * @throws InvalidPlanException if {@code timeout} is null
         */
        public Builder requestTimeout(Duration timeout) {
            requestTimeout = nonNull(timeout, "request timeout");
            return this;
        }

        /**
         * @param retries further attempts after a 5xx, a 429 or an I/O failure; default 2; checked by
         *                {@link #build()} (0 to 10)
         * @return this builder
         */
        public Builder retries(int retries) {
            this.retries = retries;
            return this;
        }

        /**
         * @param wait the pause before a retry (a 429's {@code Retry-After} replaces it, up to 5 s); default 2 s;
         *             checked by {@link #build()} (zero to 1 minute)
         * @return this builder
         * @throws InvalidPlanException if {@code wait} is null
         */
        public Builder retryWait(Duration wait) {
            retryWait = nonNull(wait, "retry wait");
            return this;
        }

        /** Where {@link #bearerTokenFromEnv(String)} looks; for tests. */
        Builder environment(UnaryOperator<String> environment) {
            this.environment = environment;
            return this;
        }

        /**
         * @return the notifier
         * @throws InvalidPlanException listing every problem: a URI that is not absolute http or https with a host,
         *                              a timeout, retry count or wait out of range, a malformed or reserved header
         *                              name, a header value with a line break, an unset token variable
         */
        public WebhookNotifier build() {
            List<String> problems = new ArrayList<>();
            URI uri = given;
            if (uri == null) {
                try {
                    uri = new URI(text.strip());
                } catch (URISyntaxException e) {
                    problems.add("webhook URI is not a valid URI: " + e.getReason()
                            + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "") + " (the URI is not shown: it may"
                            + " hold a token)");
                }
            }
            String shown = Redactor.endpoint(uri);
            if (uri != null) {
                if (!uri.isAbsolute()) {
                    problems.add("webhook URI is not absolute (it has no scheme); give the whole URL, e.g."
                            + " https://ntfy.sh/my-topic (the URI is not shown: it may hold a token)");
                } else {
                    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
                    if (!scheme.equals("http") && !scheme.equals("https")) {
                        problems.add("webhook URI '" + shown + "' has scheme '" + uri.getScheme()
                                + "'; use http or https");
                    } else if (uri.getHost() == null) {
                        problems.add("webhook URI '" + shown + "' has no host");
                    }
                }
            }
            checkRange(problems, "connect timeout", connectTimeout, false, MAX_TIMEOUT);
            checkRange(problems, "request timeout", requestTimeout, false, MAX_TIMEOUT);
            checkRange(problems, "retry wait", retryWait, true, MAX_RETRY_WAIT);
            if (retries < 0 || retries > MAX_RETRIES) {
                problems.add("retries must be between 0 and " + MAX_RETRIES + ", was " + retries);
            }
            Map<String, Header> all = new LinkedHashMap<>(headers);
            if (bearerTokenVariable != null) {
                String token = environment.apply(bearerTokenVariable);
                if (token == null || token.isBlank()) {
                    problems.add("environment variable '" + bearerTokenVariable + "' (the webhook's bearer token)"
                            + " is not set");
                } else {
                    all.put("authorization", new Header("Authorization", "Bearer " + token.strip()));
                }
            }
            if (uri != null && uri.getRawUserInfo() != null && !all.containsKey("authorization")) {
                String basic = Base64.getEncoder().encodeToString(uri.getUserInfo().getBytes(StandardCharsets.UTF_8));
                all.put("authorization", new Header("Authorization", "Basic " + basic));
            }
            for (Header h : all.values()) {
                checkHeader(problems, h.name(), h.value());
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            List<String> secrets = all.values().stream().map(Header::value).collect(Collectors.toList());
            all.values().forEach(h -> secrets.add(h.value().replaceFirst("^(?i)(Bearer|Basic) ", "")));
            return new WebhookNotifier(requestUri(uri), shown, format, Map.copyOf(all), connectTimeout,
                    requestTimeout, retries, retryWait, Redactor.of(uri, secrets));
        }

        /** The URL without user-info and fragment, which are not sent. */
        private static URI requestUri(URI uri) {
            StringBuilder b = new StringBuilder(uri.getScheme().toLowerCase(Locale.ROOT)).append("://")
                    .append(uri.getHost());
            if (uri.getPort() != -1) {
                b.append(':').append(uri.getPort());
            }
            if (uri.getRawPath() != null) {
                b.append(uri.getRawPath());
            }
            if (uri.getRawQuery() != null) {
                b.append('?').append(uri.getRawQuery());
            }
            return URI.create(b.toString());
        }

        private static void checkRange(List<String> problems, String what, Duration value, boolean zeroAllowed,
                                       Duration max) {
            boolean low = zeroAllowed ? value.isNegative() : value.isNegative() || value.isZero();
            if (low || value.compareTo(max) > 0) {
                problems.add(what + " must be " + (zeroAllowed ? "zero or more" : "more than zero") + " and at most "
                        + max + ", was " + value);
            }
        }

        private static void checkHeader(List<String> problems, String name, String value) {
            if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                problems.add("header name '" + Payloads.oneLine(name) + "' is not a valid HTTP header name");
                return;
            }
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                problems.add("header '" + name + "' is set by the HTTP client and cannot be given");
            }
            boolean valid = value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7F && c <= 0xFF));
            if (!valid) {
                problems.add("value of header '" + name + "' holds a line break, a control character or a character"
                        + " outside Latin-1 (the value is not shown)");
            }
        }

        private static boolean isTokenChar(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }

        private static <T> T nonNull(T value, String what) {
            if (value == null) {
                throw new InvalidPlanException(List.of(what + " must not be null"));
            }
            return value;
        }
    }
}
