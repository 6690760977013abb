package io.backupkit.remote.age;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import io.backupkit.InvalidPlanException;
import io.backupkit.spi.Encryption;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * age encryption (<a href="https://age-encryption.org/v1">age-encryption.org/v1</a>, X25519 recipients) on jagged:
 * every file of a snapshot is encrypted to the recipients before it is uploaded; a restore or verify decrypts it with
 * an identity file such as {@code age-keygen} writes. The files can also be decrypted with the {@code age} command
 * ({@code age -d -i key.txt 000001.age > manifest.json}). Immutable.
 *
 * <pre>{@code
 * Encryption backups = AgeEncryption.to("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p");
 * Encryption restores = AgeEncryption.identity(Path.of("/root/backupkit-key.txt"));
 * }</pre>
 */
public final class AgeEncryption implements Encryption {

    private final List<String> recipients;
    private final Path identity;

    private AgeEncryption(List<String> recipients, Path identity) {
        this.recipients = List.copyOf(recipients);
        this.identity = identity;
    }

    /**
     * @param recipients age X25519 public keys ({@code age1...}), at least one; any of their identities decrypts
     * @return encryption to them (decryption needs {@link #withIdentity(Path)})
     * @throws InvalidPlanException quoting every recipient that is not an X25519 public key
     */
    public static AgeEncryption to(String... recipients) {
        if (recipients == null || recipients.length == 0) {
            throw new InvalidPlanException(List.of("age encryption needs at least one recipient (age1...)"));
        }
        List<String> problems = new ArrayList<>();
        List<String> list = new ArrayList<>();
        for (String r : recipients) {
            String s = r == null ? "" : r.strip();
            try {
                X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(s);
                list.add(s);
            } catch (GeneralSecurityException | RuntimeException e) {
                problems.add("age recipient '" + r + "' is not an X25519 public key (age1...)");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return new AgeEncryption(list, null);
    }

    /**
     * @param file an age identity file ({@code AGE-SECRET-KEY-1...} lines; {@code #} comments are skipped)
     * @return decryption only (a restore or verify): backups with it fail
     * @throws InvalidPlanException if the file is null
     */
    public static AgeEncryption identity(Path file) {
        if (file == null) {
            throw new InvalidPlanException(List.of("age identity file must not be null"));
        }
        return new AgeEncryption(List.of(), file);
    }

    /**
     * @param file the identity file that decrypts; read when a file is decrypted, never kept in memory longer
     * @return a changed copy
     * @throws InvalidPlanException if null
     */
    public AgeEncryption withIdentity(Path file) {
        if (file == null) {
            throw new InvalidPlanException(List.of("age identity file must not be null"));
        }
        return new AgeEncryption(recipients, file);
    }

    /** @return the recipients */
    public List<String> recipients() {
        return recipients;
    }

    @Override
    public String id() {
        return "age";
    }

    @Override
    public void encrypt(Path plain, Path encrypted) throws IOException {
        if (recipients.isEmpty()) {
            throw new IOException("age encryption has no recipient: give one with AgeEncryption.to(...) "
                    + "(--encrypt-to)");
        }
        try {
            List<RecipientStanzaWriter> writers = new ArrayList<>();
            for (String r : recipients) {
                writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(r));
            }
            try (FileChannel in = FileChannel.open(plain, StandardOpenOption.READ);
                 FileChannel outFile = FileChannel.open(encrypted, StandardOpenOption.CREATE,
                         StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 WritableByteChannel out = new StandardEncryptingChannelFactory().newEncryptingChannel(outFile,
                         writers);
                 OutputStream os = Channels.newOutputStream(out)) {
                Channels.newInputStream(in).transferTo(os);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot encrypt " + plain + " with age: " + e.getMessage(), e);
        }
    }

    @Override
    public void decrypt(InputStream encrypted, Path plain) throws IOException {
        if (identity == null) {
            throw new IOException("No age identity to decrypt with: give the identity file (withIdentity, "
                    + "--identity FILE)");
        }
        List<RecipientStanzaReader> readers = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(identity, StandardCharsets.UTF_8)) {
                String s = line.strip();
                if (s.startsWith("AGE-SECRET-KEY-")) {
                    readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(s));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("The age identity file " + identity + " holds a key that is not valid", e);
        }
        if (readers.isEmpty()) {
            throw new IOException("The age identity file " + identity + " holds no AGE-SECRET-KEY-1... line");
        }
        try (ReadableByteChannel in = new StandardDecryptingChannelFactory().newDecryptingChannel(
                Channels.newChannel(encrypted), readers);
             OutputStream out = Files.newOutputStream(plain)) {
            Channels.newInputStream(in).transferTo(out);
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot decrypt with the age identity " + identity + " (wrong identity, or "
                    + "damaged data): " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "AgeEncryption[recipients=" + recipients + (identity == null ? "" : ", identity " + identity) + "]";
    }
}
