package io.backupkit.notify.email;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads the parts of a received report mail. */
final class Mails {

    private Mails() {
    }

    static String text(MimeMessage m) throws Exception {
        return ((String) alternative(m).getBodyPart(0).getContent()).replace("\r\n", "\n");
    }

    static String html(MimeMessage m) throws Exception {
        return ((String) alternative(m).getBodyPart(1).getContent()).replace("\r\n", "\n");
    }

    static Multipart alternative(MimeMessage m) throws Exception {
        Multipart top = (Multipart) m.getContent();
        if (top.getContentType().toLowerCase().startsWith("multipart/alternative")) {
            return top;
        }
        return (Multipart) top.getBodyPart(0).getContent();
    }

    static List<BodyPart> attachments(MimeMessage m) throws Exception {
        Multipart top = (Multipart) m.getContent();
        List<BodyPart> found = new ArrayList<>();
        for (int i = 0; i < top.getCount(); i++) {
            if (Part.ATTACHMENT.equalsIgnoreCase(top.getBodyPart(i).getDisposition())) {
                found.add(top.getBodyPart(i));
            }
        }
        return found;
    }

    static byte[] bytes(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    static byte[] gunzip(BodyPart part) throws Exception {
        try (InputStream in = new GZIPInputStream(part.getInputStream())) {
            return in.readAllBytes();
        }
    }
}
