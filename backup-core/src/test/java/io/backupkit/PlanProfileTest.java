package io.backupkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanProfileTest {

    @TempDir
    Path tmp;

    private final PlanProfile app = b -> b.source(tmp.resolve("app"))
            .exclude("Logs/**", "Cache/**")
            .split("Metadata")
            .workers(1)
            .archiver("zip");

    @Test
    void shouldApplyTheProfilesSettings() {
        BackupPlan plan = BackupPlan.builder().apply(app).destination(tmp.resolve("dest")).build();

        assertThat(plan.source()).isEqualTo(tmp.resolve("app"));
        assertThat(plan.excludes()).containsExactly("Logs/**", "Cache/**");
        assertThat(plan.split()).containsExactly("Metadata");
        assertThat(plan.workers()).isEqualTo(1);
    }

    @Test
    void shouldLetSettingsMadeAfterTheProfileWinAndAddToItsLists() {
        BackupPlan plan = BackupPlan.builder().apply(app)
                .source(tmp.resolve("elsewhere"))
                .workers(3)
                .exclude("**/*.bif")
                .split("Media")
                .destination(tmp.resolve("dest"))
                .build();

        assertThat(plan.source()).isEqualTo(tmp.resolve("elsewhere"));
        assertThat(plan.workers()).isEqualTo(3);
        assertThat(plan.excludes()).containsExactly("Logs/**", "Cache/**", "**/*.bif");
        assertThat(plan.split()).containsExactly("Metadata", "Media");
    }

    @Test
    void shouldRefuseANullProfile() {
        assertThatThrownBy(() -> BackupPlan.builder().apply(null)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("profile must not be null");
    }

    @Test
    void shouldPassOnWhatTheProfilesSettingsThrow() {
        assertThatThrownBy(() -> BackupPlan.builder().apply(b -> b.workers(0)))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("workers must be between 1 and 64");
    }
}
