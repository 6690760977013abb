package io.backupkit.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Encrypts the files of a snapshot before they are uploaded to a {@link Destination}, and decrypts them when they
 * are downloaded for a restore or a verify. The manifest stays readable only for what listing needs (see the
 * {@code backup-remote} module's README).
 *
 * <pre>{@code
 * BackupPlan.builder()...destination(Destinations.s3("bucket", "plex"))
 *     .encryption(AgeEncryption.to("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"))  // backup-remote
 *     .build();
 * }</pre>
 */
public interface Encryption {

    /**
     * @return the scheme's name, recorded in the snapshot's clear manifest, e.g. {@code "age"}
     */
    String id();

    /**
     * @param plain the file to encrypt
     * @param encrypted where to write its encrypted form
     * @throws IOException if it cannot be read or written
     */
    void encrypt(Path plain, Path encrypted) throws IOException;

    /**
     * @param encrypted the encrypted content; the caller closes it
     * @param plain where to write the decrypted file
     * @throws IOException if it cannot be decrypted (no identity given, the wrong identity, damaged content)
     */
    void decrypt(InputStream encrypted, Path plain) throws IOException;
}
