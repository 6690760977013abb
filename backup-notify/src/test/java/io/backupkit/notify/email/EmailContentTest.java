package io.backupkit.notify.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.backupkit.RunReport;
import io.backupkit.notify.Notifiers;
import io.backupkit.spi.Notification;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;

class EmailContentTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    static MimeMessage send(RunReport report, Path log, long maxAttachmentBytes) {
        Notifiers.email().host("localhost").port(MAIL.getSmtp().getPort()).security(Security.NONE)
                .from("plex@nas.lan").to("me@example.com").maxAttachmentBytes(maxAttachmentBytes).build()
                .send(new Notification(report, log));
        assertThat(MAIL.getReceivedMessages()).hasSize(1);
        return MAIL.getReceivedMessages()[0];
    }

    static MimeMessage send(RunReport report, Path log) {
        return send(report, log, EmailNotifier.DEFAULT_MAX_ATTACHMENT_BYTES);
    }

    @Test
    void shouldGiveTheFactsOfASuccessfulRun() throws Exception {
        RunReport r = Reports.succeeded();
        MimeMessage m = send(r, null);

        assertThat(m.getSubject()).isEqualTo("[BackupKit] " + r.summary())
                .contains("succeeded", "20261122T035800Z", "media-server");
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        String text = Mails.text(m);
        assertThat(text).contains(
                "Operation:   backup",
                "Outcome:     SUCCEEDED",
                "Snapshot:    20261122T035800Z",
                "Host:        media-server",
                "Started:     2026-11-22T03:58:00Z",
                "Finished:    2026-11-22T03:58:41Z",
                "Duration:    41 s (PT41S)",
                "Files:       3000",
                "Bytes:       12345678 (12.3 MB)",
                "Units:       5 (3 written, 2 reused)",
                "App version: 1.41.2.9200",
                "Log:         " + Path.of("/var/log/backupkit/backup.log"),
                "Warnings (1):\n- Cache/<tmp>.db changed while it was read");
        assertThat(text).doesNotContain("Errors");
        String html = Mails.html(m);
        assertThat(html).contains("<th style=\"text-align: left; padding-right: 1em\">Snapshot</th><td>"
                + "20261122T035800Z</td>", "2026-11-22T03:58:00Z", "12345678", "1.41.2.9200",
                "<li>Cache/&lt;tmp&gt;.db changed while it was read</li>");
        assertThat(Mails.alternative(m).getBodyPart(1).getContentType()).startsWith("text/html");
    }

    @Test
    void shouldGiveTheErrorsOfARunThatFailedEarly() throws Exception {
        RunReport r = Reports.failedEarly();
        MimeMessage m = send(r, null);

        assertThat(m.getSubject()).isEqualTo("[BackupKit] " + r.summary()).contains("FAILED", "locked by pid 4242");
        String text = Mails.text(m);
        assertThat(text).contains("Outcome:     FAILED", "Snapshot:    none", "App version: unknown",
                "Error log:   " + Path.of("/var/log/backupkit/backup.errors.log"),
                "Errors (2):\n- destination /mnt/nas/plex is locked by pid 4242 on nas\n"
                        + "- caused by: java.nio.channels.OverlappingFileLockException");
        assertThat(Mails.html(m)).contains("<h3>Errors (2)</h3>", "<li>destination /mnt/nas/plex is locked by pid"
                + " 4242 on nas</li>");
    }

    @Test
    void shouldKeepTheSubjectOnOneLineWhenAnErrorSpansLines() throws Exception {
        RunReport r = Reports.failedEarly();
        RunReport multiLine = new RunReport(r.operation(), r.outcome(), null, r.started(), r.finished(), 0, 0, 0, 0,
                List.of(), List.of("cannot read /data\r\nBcc: evil@example.com"), null, r.host(), null, null, false);

        MimeMessage m = send(multiLine, null);

        assertThat(m.getSubject()).endsWith("FAILED: cannot read /data Bcc: evil@example.com");
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly("me@example.com");
    }

    @Test
    void shouldUseTheSubjectPrefixGiven() throws Exception {
        Notifiers.email().host("localhost").port(MAIL.getSmtp().getPort()).security(Security.NONE)
                .from("plex@nas.lan").to("me@example.com").subjectPrefix("[plex]").build()
                .send(new Notification(Reports.succeeded(), null));

        assertThat(MAIL.getReceivedMessages()[0].getSubject()).isEqualTo("[plex] " + Reports.succeeded().summary());
    }

    @Test
    void shouldAttachNoLogWhenTheNotificationCarriesNone() throws Exception {
        MimeMessage m = send(Reports.succeeded(), null);

        assertThat(Mails.attachments(m)).isEmpty();
        assertThat(Mails.text(m)).doesNotContain("attached");
    }

    @Test
    void shouldAttachASmallLogAsItIs() throws Exception {
        Path log = Files.writeString(dir.resolve("backup.log"), "03:58:00 INFO backup started\n03:58:41 INFO done\n"
                + "03:58:41 WARN bare \r and trailing space \n");

        MimeMessage m = send(Reports.failedEarly(), log);

        List<BodyPart> attached = Mails.attachments(m);
        assertThat(attached).hasSize(1);
        assertThat(attached.get(0).getFileName()).isEqualTo("backup.log");
        assertThat(Mails.bytes(attached.get(0))).isEqualTo(Files.readAllBytes(log));
        assertThat(Mails.text(m)).contains("The log " + log + " is attached");
    }

    @Test
    void shouldSayWhenTheLogToAttachDoesNotExist() throws Exception {
        Path log = dir.resolve("gone.log");

        MimeMessage m = send(Reports.failedEarly(), log);

        assertThat(Mails.attachments(m)).isEmpty();
        assertThat(Mails.text(m)).contains("The log " + log + " was to be attached but does not exist.");
    }

    @Test
    void shouldCompressALogAboveOneMebibyte() throws Exception {
        Path log = dir.resolve("backup.log");
        Files.writeString(log, lines(40_000, new Random(1), 8)); // about 2.6 MB of log lines
        assertThat(Files.size(log)).isGreaterThan(EmailNotifier.COMPRESS_ABOVE_BYTES);

        MimeMessage m = send(Reports.succeeded(), log);

        BodyPart attached = Mails.attachments(m).get(0);
        assertThat(attached.getFileName()).isEqualTo("backup.log.gz");
        assertThat(attached.getContentType()).startsWith("application/gzip");
        assertThat(Mails.gunzip(attached)).isEqualTo(Files.readAllBytes(log));
        assertThat(Mails.text(m)).contains("is attached gzip-compressed (" + Files.size(log) + " bytes");
    }

    @Test
    void shouldAttachOnlyTheLastPartWhenEvenCompressedTheLogIsTooBig() throws Exception {
        Path log = dir.resolve("backup.log");
        String content = lines(10_000, new Random(2), 40) + "03:59:59 ERROR the very last line\n";
        Files.writeString(log, content);
        long max = 64 * 1024;

        MimeMessage m = send(Reports.failedEarly(), log, max);

        BodyPart attached = Mails.attachments(m).get(0);
        assertThat(attached.getFileName()).isEqualTo("backup.log.gz");
        byte[] gz = Mails.bytes(attached);
        assertThat((long) gz.length).isLessThanOrEqualTo(max);
        String kept = new String(Mails.gunzip(attached), StandardCharsets.UTF_8);
        assertThat(kept).startsWith("[BackupKit: the log was cut to fit the mail;")
                .endsWith("03:59:59 ERROR the very last line\n");
        String afterMarker = kept.substring(kept.indexOf('\n') + 1);
        assertThat(content).endsWith(afterMarker);
        assertThat((long) afterMarker.length()).isLessThan(content.length()).isGreaterThan(max); // compressed
        assertThat(afterMarker).startsWith("line "); // cut at a line start
        assertThat(Mails.text(m)).contains("too big for the mail even compressed (limit 65536 bytes): only its last "
                + afterMarker.length() + " bytes are attached");
    }

    /** Log-like lines with {@code randomWords} random words each, so they compress like a real log. */
    static String lines(int count, Random random, int randomWords) {
        StringJoiner j = new StringJoiner("\n", "", "\n");
        for (int i = 0; i < count; i++) {
            StringBuilder b = new StringBuilder("line ").append(i).append(" 03:58:00 INFO unit Metadata/Movies");
            for (int w = 0; w < randomWords; w++) {
                b.append(' ').append(Long.toString(random.nextLong() & 0xffffff, 36));
            }
            j.add(b);
        }
        return j.toString();
    }
}
