package io.backupkit.internal.service;

import io.backupkit.ServiceControlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every Windows service whose name matches a regular expression (found anywhere in the name: {@code ^Plex} for names
 * that start with Plex), listed with {@code sc query state= all}; stopped with {@code sc stop NAME} and started with
 * {@code sc start NAME}, one by one. A pattern that matches no service is an error naming the pattern.
 *
 * <pre>{@code
 * ServiceControllers.windowsService("^Plex")
 * }</pre>
 *
 * <p>The service is running while any matching service is in a state other than STOPPED: RUNNING, but also
 * START_PENDING, STOP_PENDING, PAUSED and the other pending states, so a stop waits through STOP_PENDING until the
 * service has really let go of its files. {@code sc stop} is sent to every matching service not already STOPPED or
 * STOP_PENDING; {@code sc start} to every matching service that is STOPPED. States are read from their numbers
 * (1 STOPPED ... 7 PAUSED), which {@code sc} prints in every language.
 */
public final class WindowsServiceController extends AbstractCommandController {

    private static final Logger LOG = LoggerFactory.getLogger(WindowsServiceController.class);

    /** {@code SERVICE_STOPPED}. */
    static final int STOPPED = 1;
    /** {@code SERVICE_STOP_PENDING}. */
    static final int STOP_PENDING = 3;

    /** {@code ERROR_SERVICE_ALREADY_RUNNING}, from {@code sc start}. */
    private static final int ALREADY_RUNNING = 1056;
    /** {@code ERROR_SERVICE_NOT_ACTIVE}, from {@code sc stop}. */
    private static final int NOT_ACTIVE = 1062;

    private static final Pattern NAME_LINE = Pattern.compile("^\\s*SERVICE_NAME\\s*:\\s*(.*?)\\s*$");
    private static final Pattern STATE_LINE = Pattern.compile("^\\s*STATE\\s*:\\s*(\\d+)\\s*(\\S*)");

    private final Pattern pattern;

    /**
     * One service as {@code sc query} lists it.
     *
     * @param name the service name (not the display name)
     * @param state the state number: 1 STOPPED, 2 START_PENDING, 3 STOP_PENDING, 4 RUNNING, 5 CONTINUE_PENDING,
     *              6 PAUSE_PENDING, 7 PAUSED
     * @param stateName the state as printed, e.g. {@code RUNNING}
     */
    public record Service(String name, int state, String stateName) {
    }

    /**
     * @param pattern the regular expression service names are matched against
     * @param settings the settings
     */
    public WindowsServiceController(Pattern pattern, CommandSettings settings) {
        super(settings);
        this.pattern = pattern;
    }

    @Override
    AbstractCommandController with(CommandSettings changed) {
        return new WindowsServiceController(pattern, changed);
    }

    @Override
    public String id() {
        return "windows:" + pattern.pattern();
    }

    /**
     * @return the matching services, as {@code sc query state= all} lists them now
     * @throws ServiceControlException if {@code sc} fails or no service matches
     */
    public List<Service> services() {
        CommandRunner.Result r = CommandRunner.runChecked(id(), settings.argv("query", "state=", "all"),
                settings.commandTimeout());
        List<Service> all = parse(r.stdout());
        List<Service> matching = new ArrayList<>();
        for (Service s : all) {
            if (pattern.matcher(s.name()).find()) {
                matching.add(s);
            }
        }
        if (matching.isEmpty()) {
            throw new ServiceControlException(id(), id() + ": no Windows service name matches the pattern '"
                    + pattern.pattern() + "' (`" + CommandLines.display(r.command()) + "` listed " + all.size()
                    + " services)", r.command(), r.exitCode(), null);
        }
        return List.copyOf(matching);
    }

    /**
     * @param output what {@code sc query} printed
     * @return every service in it, in order
     */
    static List<Service> parse(String output) {
        List<Service> services = new ArrayList<>();
        String name = null;
        for (String line : output.split("\\R")) {
            Matcher m = NAME_LINE.matcher(line);
            if (m.find()) {
                name = m.group(1);
                continue;
            }
            m = STATE_LINE.matcher(line);
            if (m.find() && name != null) {
                services.add(new Service(name, Integer.parseInt(m.group(1)), m.group(2)));
                name = null;
            }
        }
        return List.copyOf(services);
    }

    @Override
    public boolean isRunning() {
        return services().stream().anyMatch(s -> s.state() != STOPPED);
    }

    @Override
    public void start() {
        List<Service> stopped = services().stream().filter(s -> s.state() == STOPPED).toList();
        if (stopped.isEmpty()) {
            LOG.info("{}: every matching service is already running; nothing to start", id());
            return;
        }
        for (Service s : stopped) {
            LOG.info("{}: starting service '{}'", id(), s.name());
            CommandRunner.Result r = CommandRunner.run(id(), settings.argv("start", s.name()),
                    settings.commandTimeout());
            if (r.exitCode() != 0 && r.exitCode() != ALREADY_RUNNING) {
                throw CommandRunner.failed(id(), r, null);
            }
        }
    }

    @Override
    void runStop(Duration timeout) {
        for (Service s : services()) {
            if (s.state() == STOPPED || s.state() == STOP_PENDING) {
                continue;
            }
            LOG.info("{}: stopping service '{}' ({})", id(), s.name(), s.stateName());
            CommandRunner.Result r = CommandRunner.run(id(), settings.argv("stop", s.name()),
                    settings.stopCommandTimeout());
            if (r.exitCode() != 0 && r.exitCode() != NOT_ACTIVE) {
                throw CommandRunner.failed(id(), r, null);
            }
        }
    }

    @Override
    void runStart() {
        throw new AssertionError("start() is overridden");
    }

    @Override
    String factoryCall() {
        return "windowsService(" + quote(pattern.pattern()) + ")";
    }
}
