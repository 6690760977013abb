package io.backupkit.internal.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WindowsServiceControllerTest {

    /** {@code sc query state= all} as Windows prints it, with CRLF line ends. */
    private static final String SC_QUERY = String.join("\r\n",
            "",
            "SERVICE_NAME: AarSvc_4f2a1",
            "DISPLAY_NAME: Agent Activation Runtime_4f2a1",
            "        TYPE               : 240  USER_SHARE_PROCESS INSTANCE  ",
            "        STATE              : 1  STOPPED ",
            "        WIN32_EXIT_CODE    : 1077  (0x435)",
            "        SERVICE_EXIT_CODE  : 0  (0x0)",
            "        CHECKPOINT         : 0x0",
            "        WAIT_HINT          : 0x0",
            "",
            "SERVICE_NAME: Plex Media Server",
            "DISPLAY_NAME: Plex Media Server",
            "        TYPE               : 10  WIN32_OWN_PROCESS  ",
            "        STATE              : 4  RUNNING ",
            "                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)",
            "        WIN32_EXIT_CODE    : 0  (0x0)",
            "        SERVICE_EXIT_CODE  : 0  (0x0)",
            "        CHECKPOINT         : 0x0",
            "        WAIT_HINT          : 0x0",
            "",
            "SERVICE_NAME: PlexUpdateService",
            "DISPLAY_NAME: Plex Update Service",
            "        TYPE               : 10  WIN32_OWN_PROCESS  ",
            "        STATE              : 3  STOP_PENDING ",
            "                                (NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)",
            "        WIN32_EXIT_CODE    : 0  (0x0)",
            "        SERVICE_EXIT_CODE  : 0  (0x0)",
            "        CHECKPOINT         : 0x1",
            "        WAIT_HINT          : 0x7d0",
            "");

    @Test
    void shouldParseNamesAndStateNumbers() {
        assertThat(WindowsServiceController.parse(SC_QUERY)).containsExactly(
                new WindowsServiceController.Service("AarSvc_4f2a1", 1, "STOPPED"),
                new WindowsServiceController.Service("Plex Media Server", 4, "RUNNING"),
                new WindowsServiceController.Service("PlexUpdateService", 3, "STOP_PENDING"));
    }

    @Test
    void shouldReadStatesByNumberWhateverTheLanguage() {
        String german = "SERVICE_NAME: Plex\r\n        STATE              : 4  RUNNING\r\n"
                + "SERVICE_NAME: Other\r\n        STATE              : 1  STOPPED\r\n";
        assertThat(WindowsServiceController.parse(german)).extracting(WindowsServiceController.Service::state)
                .containsExactly(4, 1);
        assertThat(WindowsServiceController.parse("[SC] EnumQueryServicesStatus:OpenSCManager FAILED 5:")).isEmpty();
    }

    @Test
    void shouldFindThePidLineOfLaunchctlList() {
        assertThat(LaunchdController.showsPid("{\n\t\"Label\" = \"com.plexapp.plexmediaserver\";\n"
                + "\t\"PID\" = 812;\n\t\"LastExitStatus\" = 0;\n};\n")).isTrue();
        assertThat(LaunchdController.showsPid("{\n\t\"Label\" = \"com.plexapp.plexmediaserver\";\n"
                + "\t\"LastExitStatus\" = 256;\n};\n")).isFalse();
    }
}
