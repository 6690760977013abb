package io.backupkit.remote.age;

import io.backupkit.InvalidPlanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgeEncryptionTest {

    /** A key pair made for these tests with age-keygen; it protects nothing. */
    static final String RECIPIENT = "age1fklu99vgq6zgmc4203x580kcwylrrzuddy88qrymk8w4w5qc53jqvmr24w";
    static final String IDENTITY = "# public key: " + RECIPIENT + "\n"
            + "AGE-SECRET-KEY-1NTQYN3RGMHAK67VVR5XLTYKQG9SM9327Q8QLKKAWAHQLKVM3L3EQZQ2GG0\n";

    @TempDir
    Path tmp;

    @Test
    void shouldDecryptWhatItEncrypted() throws Exception {
        Path plain = Files.writeString(tmp.resolve("plain.txt"), "library database ".repeat(10_000));
        Path key = Files.writeString(tmp.resolve("key.txt"), IDENTITY);
        AgeEncryption age = AgeEncryption.to(RECIPIENT).withIdentity(key);

        age.encrypt(plain, tmp.resolve("enc.age"));
        assertThat(Files.readString(tmp.resolve("enc.age"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .startsWith("age-encryption.org/v1").doesNotContain("library database");
        try (InputStream in = Files.newInputStream(tmp.resolve("enc.age"))) {
            age.decrypt(in, tmp.resolve("back.txt"));
        }

        assertThat(tmp.resolve("back.txt")).hasSameBinaryContentAs(plain);
    }

    @Test
    void shouldRefuseARecipientThatIsNotAnX25519Key() {
        assertThatThrownBy(() -> AgeEncryption.to("ssh-ed25519 AAAA")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'ssh-ed25519 AAAA'");
    }

    @Test
    void shouldFailToDecryptWithoutAnIdentity() throws Exception {
        Path plain = Files.writeString(tmp.resolve("plain.txt"), "x");
        AgeEncryption age = AgeEncryption.to(RECIPIENT);
        age.encrypt(plain, tmp.resolve("enc.age"));
        try (InputStream in = Files.newInputStream(tmp.resolve("enc.age"))) {
            assertThatThrownBy(() -> age.decrypt(in, tmp.resolve("back"))).hasMessageContaining("--identity FILE");
        }
    }
}
