package io.backupkit.notify.email;

import io.backupkit.InvalidPlanException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecurityTest {

    @Test
    void shouldParseTheThreeModesIgnoringCase() {
        assertThat(Security.parse("none")).isEqualTo(Security.NONE);
        assertThat(Security.parse(" STARTTLS ")).isEqualTo(Security.STARTTLS);
        assertThat(Security.parse("Ssl")).isEqualTo(Security.SSL);
    }

    @Test
    void shouldRefuseAnythingElseListingTheAcceptedModes() {
        assertThatThrownBy(() -> Security.parse("tls")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("email security 'tls' is not one of none, starttls, ssl");
        assertThatThrownBy(() -> Security.parse(null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'null'");
    }

    @Test
    void shouldKnowTheUsualPorts() {
        assertThat(Security.NONE.defaultPort()).isEqualTo(25);
        assertThat(Security.STARTTLS.defaultPort()).isEqualTo(587);
        assertThat(Security.SSL.defaultPort()).isEqualTo(465);
    }
}
