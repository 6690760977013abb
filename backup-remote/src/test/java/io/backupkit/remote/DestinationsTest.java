package io.backupkit.remote;

import io.backupkit.InvalidPlanException;
import io.backupkit.remote.s3.S3Destination;
import io.backupkit.remote.sftp.SftpDestination;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DestinationsTest {

    @Test
    void shouldParseAnS3Url() {
        assertThat(Destinations.parse("s3://backups/plex/nightly")).isInstanceOf(S3Destination.class)
                .extracting(d -> d.id()).isEqualTo("s3://backups/plex/nightly");
    }

    @Test
    void shouldParseAnSftpUrlWithUserAndPort() {
        assertThat(Destinations.parse("sftp://backup@nas.local:2222/volume1/plex"))
                .isInstanceOf(SftpDestination.class)
                .extracting(d -> d.id()).isEqualTo("sftp://backup@nas.local:2222/volume1/plex");
    }

    @Test
    void shouldRefuseAPasswordInTheUrlWithoutQuotingIt() {
        assertThatThrownBy(() -> Destinations.parse("sftp://backup:hunter2@nas/plex"))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("holds a password")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldRefuseAnotherScheme() {
        assertThatThrownBy(() -> Destinations.parse("ftp://nas/plex")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'ftp://nas/plex' is not an s3:// or sftp:// URL");
    }

    @Test
    void shouldRefuseAnEndpointThatIsNotHttp() {
        assertThatThrownBy(() -> Destinations.s3("b", "p").withEndpoint("nas:9000"))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("'nas:9000'");
    }

    @Test
    void shouldRefuseAPartSmallerThanS3Allows() {
        assertThatThrownBy(() -> Destinations.s3("b", "p").withPartSize(1024))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("was 1024");
    }

    @Test
    void shouldNeverPrintTheSecrets() {
        assertThat(Destinations.s3("b", "p").withCredentials("AKIA1", "s3cr3t").toString())
                .contains("AKIA1").doesNotContain("s3cr3t");
        assertThat(Destinations.sftp("nas", "/x").withPassword("hunter2").toString()).doesNotContain("hunter2");
    }

    @Test
    void shouldRefuseAnSftpPortOutOfRange() {
        assertThatThrownBy(() -> Destinations.sftp("nas", "/x").withPort(70000))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("was 70000");
    }

    @Test
    void shouldFailToConnectWithoutAKnownHostsFile() {
        SftpDestination d = Destinations.sftp("127.0.0.1", "/x").withKnownHosts(Path.of("/nonexistent/known_hosts"));
        assertThatThrownBy(() -> d.list("")).hasMessageContaining("/nonexistent/known_hosts does not exist");
    }
}
