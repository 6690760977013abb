package io.backupkit.remote.sftp;

import io.backupkit.InvalidPlanException;
import io.backupkit.spi.Destination;
import io.backupkit.spi.RemoteFile;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/**
 * Snapshots in a folder of an SFTP server, on Apache MINA sshd. Made by {@code Destinations.sftp(host, path)};
 * immutable, every {@code withX} returns a changed copy. One connection is opened on first use and closed by
 * {@link #close()}, which BackupKit calls at the end of every run.
 *
 * <pre>{@code
 * Destination nas = Destinations.sftp("nas.local", "/volume1/backups/plex")
 *     .withUser("backup").withKey(Path.of("/root/.ssh/id_ed25519"))
 *     .withKnownHosts(Path.of("/root/.ssh/known_hosts"));
 * }</pre>
 *
 * <p>The server's host key must be in the known-hosts file: an unknown host or a key that differs from the one
 * recorded fails the connection (it is never accepted silently, nor added to the file). Files are written under a
 * temporary name and renamed into place, with owner-only permissions ({@code 0600}, folders {@code 0700}); the lock
 * is created with an exclusive open.
 */
public final class SftpDestination implements Destination {

    /** Default port. */
    public static final int DEFAULT_PORT = 22;
    /** Default connect, authentication and request timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(SftpDestination.class);

    private final String host;
    private final int port;
    private final String user;
    private final String root;
    private final Path key;
    private final String password;
    private final Path knownHosts;
    private final Duration timeout;
    private SshClient ssh;
    private ClientSession session;
    private SftpClient sftp;

    private SftpDestination(String host, int port, String user, String root, Path key, String password,
                            Path knownHosts, Duration timeout) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.root = root;
        this.key = key;
        this.password = password;
        this.knownHosts = knownHosts;
        this.timeout = timeout;
    }

    /**
     * @param host the server
     * @param path the folder snapshots go in, absolute or relative to the login folder; created when missing
     * @return the destination: port 22, the current user name, {@code ~/.ssh/known_hosts}, no key or password yet
     * @throws InvalidPlanException if the host or path is blank
     */
    public static SftpDestination of(String host, String path) {
        if (host == null || host.isBlank() || host.contains("/") || host.contains("@")) {
            throw new InvalidPlanException(List.of("SFTP host must be a host name, was '" + host + "'"));
        }
        if (path == null || path.isBlank()) {
            throw new InvalidPlanException(List.of("SFTP path must not be blank, was '" + path + "'"));
        }
        String p = path.length() > 1 ? path.replaceAll("/+$", "") : path;
        return new SftpDestination(host.strip(), DEFAULT_PORT, System.getProperty("user.name"), p, null, null,
                Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"), DEFAULT_TIMEOUT);
    }

    /**
     * @param port the server's port, 1 to 65535. Default {@value #DEFAULT_PORT}
     * @return a changed copy
     * @throws InvalidPlanException if out of range
     */
    public SftpDestination withPort(int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidPlanException(List.of("SFTP port must be between 1 and 65535, was " + port));
        }
        return new SftpDestination(host, port, user, root, key, password, knownHosts, timeout);
    }

    /**
     * @param user the login. Default: the current user's name
     * @return a changed copy
     * @throws InvalidPlanException if blank
     */
    public SftpDestination withUser(String user) {
        if (user == null || user.isBlank()) {
            throw new InvalidPlanException(List.of("SFTP user must not be blank, was '" + user + "'"));
        }
        return new SftpDestination(host, port, user.strip(), root, key, password, knownHosts, timeout);
    }

    /**
     * @param key a private key file (OpenSSH or PEM format, not protected by a passphrase). Default: none
     * @return a changed copy
     * @throws InvalidPlanException if null
     */
    public SftpDestination withKey(Path key) {
        if (key == null) {
            throw new InvalidPlanException(List.of("SFTP key file must not be null"));
        }
        return new SftpDestination(host, port, user, root, key, password, knownHosts, timeout);
    }

    /**
     * @param password the login password; never printed or logged. Default: none (key authentication)
     * @return a changed copy
     * @throws InvalidPlanException if null or empty
     */
    public SftpDestination withPassword(String password) {
        if (password == null || password.isEmpty()) {
            throw new InvalidPlanException(List.of("SFTP password must not be empty"));
        }
        return new SftpDestination(host, port, user, root, key, password, knownHosts, timeout);
    }

    /**
     * @param file the OpenSSH known-hosts file that must hold the server's key. Default {@code ~/.ssh/known_hosts}
     * @return a changed copy
     * @throws InvalidPlanException if null
     */
    public SftpDestination withKnownHosts(Path file) {
        if (file == null) {
            throw new InvalidPlanException(List.of("SFTP known-hosts file must not be null"));
        }
        return new SftpDestination(host, port, user, root, key, password, file, timeout);
    }

    /**
     * @param timeout the connect, authentication and request timeout. Default 30 s
     * @return a changed copy
     * @throws InvalidPlanException if not positive
     */
    public SftpDestination withTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidPlanException(List.of("SFTP timeout must be positive, was " + timeout));
        }
        return new SftpDestination(host, port, user, root, key, password, knownHosts, timeout);
    }

    @Override
    public String id() {
        return "sftp://" + user + "@" + host + (port == DEFAULT_PORT ? "" : ":" + port)
                + (root.startsWith("/") ? "" : "/") + root;
    }

    @Override
    public String toString() {
        return "SftpDestination[" + id() + (key == null ? "" : ", key " + key) + (password == null ? ""
                : ", password ****") + ", known hosts " + knownHosts + "]";
    }

    private synchronized SftpClient sftp() throws IOException {
        if (sftp != null && sftp.isOpen()) {
            return sftp;
        }
        close();
        if (!Files.isRegularFile(knownHosts)) {
            throw new IOException("Known-hosts file " + knownHosts + " does not exist: add " + host
                    + "'s key to it (ssh-keyscan -p " + port + " " + host + ") after checking it");
        }
        SshClient client = SshClient.setUpDefaultClient();
        KnownHostsServerKeyVerifier verifier = new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE,
                knownHosts);
        verifier.setModifiedServerKeyAcceptor((s, address, entry, expected, actual) -> {
            LOG.error("The host key of {} differs from the one in {}: refusing to connect", host, knownHosts);
            return false;
        });
        client.setServerKeyVerifier(verifier);
        if (key != null) {
            client.setKeyIdentityProvider(new FileKeyPairProvider(key));
        }
        client.start();
        ssh = client;
        try {
            session = client.connect(user, host, port).verify(timeout).getSession();
            if (password != null) {
                session.addPasswordIdentity(password);
            }
            session.auth().verify(timeout);
            sftp = SftpClientFactory.instance().createSftpClient(session);
            return sftp;
        } catch (IOException | RuntimeException e) {
            close();
            throw new IOException("Cannot connect to " + id() + ": " + e.getMessage(), e);
        }
    }

    private String path(String name) {
        return root + "/" + name;
    }

    @Override
    public List<RemoteFile> list(String prefix) throws IOException {
        List<RemoteFile> out = new ArrayList<>();
        int slash = prefix.lastIndexOf('/');
        String dir = slash < 0 ? "" : prefix.substring(0, slash);
        SftpClient c = sftp();
        if (!exists(c, dir.isEmpty() ? root : path(dir))) {
            return out;
        }
        walk(c, dir, prefix, out);
        return out;
    }

    private void walk(SftpClient c, String dir, String prefix, List<RemoteFile> out) throws IOException {
        for (SftpClient.DirEntry e : c.readDir(dir.isEmpty() ? root : path(dir))) {
            String n = e.getFilename();
            if (n.equals(".") || n.equals("..")) {
                continue;
            }
            String rel = dir.isEmpty() ? n : dir + "/" + n;
            if (e.getAttributes().isDirectory()) {
                if (rel.startsWith(prefix) || prefix.startsWith(rel + "/")) {
                    walk(c, rel, prefix, out);
                }
            } else if (e.getAttributes().isRegularFile() && rel.startsWith(prefix) && !n.contains(".tmp-")) {
                out.add(new RemoteFile(rel, e.getAttributes().getSize()));
            }
        }
    }

    private static boolean exists(SftpClient c, String path) throws IOException {
        try {
            c.stat(path);
            return true;
        } catch (SftpException e) {
            if (missing(e)) {
                return false;
            }
            throw e;
        }
    }

    private static boolean missing(SftpException e) {
        return e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH;
    }

    @Override
    public InputStream open(String name) throws IOException {
        SftpClient c = sftp();
        try {
            c.stat(path(name));
            return c.read(path(name));
        } catch (SftpException e) {
            if (missing(e)) {
                throw new NoSuchFileException(id() + "/" + name);
            }
            throw e;
        }
    }

    @Override
    public void upload(Path source, String name) throws IOException {
        SftpClient c = sftp();
        mkdirs(c, name);
        String target = path(name);
        String tmp = target + ".tmp-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            try (OutputStream out = c.write(tmp, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                    SftpClient.OpenMode.Truncate)) {
                c.setStat(tmp, new SftpClient.Attributes().perms(0600));
                Files.copy(source, out);
            }
            long size = c.stat(tmp).getSize();
            if (size != Files.size(source)) {
                throw new IOException("Wrote " + size + " of " + Files.size(source) + " bytes to " + tmp);
            }
            if (exists(c, target)) {
                c.remove(target);
            }
            c.rename(tmp, target);
        } catch (IOException e) {
            try {
                c.remove(tmp);
            } catch (IOException ignored) {
                LOG.debug("Could not remove {}", tmp, ignored);
            }
            throw e;
        }
    }

    private void mkdirs(SftpClient c, String name) throws IOException {
        String[] parts = name.split("/");
        List<String> chain = new ArrayList<>();
        String dir = root.startsWith("/") ? "" : null;
        for (String part : root.split("/")) {
            if (!part.isEmpty()) {
                dir = dir == null ? part : dir + "/" + part;
                chain.add(dir);
            }
        }
        dir = root;
        for (int i = 0; i < parts.length - 1; i++) {
            dir = dir + "/" + parts[i];
            chain.add(dir);
        }
        for (String d : chain) {
            if (!exists(c, d)) {
                c.mkdir(d);
                c.setStat(d, new SftpClient.Attributes().perms(0700));
            }
        }
    }

    @Override
    public boolean createNew(String name, byte[] content) throws IOException {
        SftpClient c = sftp();
        mkdirs(c, name);
        if (exists(c, path(name))) {
            return false;
        }
        try (SftpClient.CloseableHandle h = c.open(path(name), EnumSet.of(SftpClient.OpenMode.Write,
                SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive))) {
            c.write(h, 0, content);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_FILE_ALREADY_EXISTS || exists(c, path(name))) {
                return false;
            }
            throw e;
        }
        c.setStat(path(name), new SftpClient.Attributes().perms(0600));
        return true;
    }

    @Override
    public void delete(String name) throws IOException {
        SftpClient c = sftp();
        try {
            c.remove(path(name));
        } catch (SftpException e) {
            if (!missing(e)) {
                throw e;
            }
        }
        // remove the folders the file leaves empty, up to the root
        String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
        while (!dir.isEmpty()) {
            try {
                if (c.readDir(path(dir)).iterator().hasNext() && hasEntries(c, path(dir))) {
                    break;
                }
                c.rmdir(path(dir));
            } catch (SftpException e) {
                break;
            }
            dir = dir.contains("/") ? dir.substring(0, dir.lastIndexOf('/')) : "";
        }
    }

    private static boolean hasEntries(SftpClient c, String dir) throws IOException {
        for (SftpClient.DirEntry e : c.readDir(dir)) {
            if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void close() {
        try {
            if (sftp != null) {
                sftp.close();
            }
            if (session != null) {
                session.close();
            }
        } catch (IOException e) {
            LOG.debug("Ignoring failure to close the SFTP session to {}", id(), e);
        } finally {
            if (ssh != null) {
                ssh.stop();
            }
            sftp = null;
            session = null;
            ssh = null;
        }
    }
}
