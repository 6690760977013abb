package io.backupkit.notify.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A plain SMTP server for tests whose reply to each command is given by the test, for the refusals GreenMail never
 * makes (sender or recipient refused). {@code DATA} content is read and accepted.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    private final ServerSocket server;
    private final UnaryOperator<String> replies;

    /** @param replies the reply to a command (upper-cased), or {@code null} for the usual one */
    ScriptedSmtpServer(UnaryOperator<String> replies) throws IOException {
        this.replies = replies;
        this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "scripted-smtp");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                serve(s);
            } catch (IOException e) {
                // closed, or the client went away
            }
        }
    }

    private void serve(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        reply(out, "220 localhost ESMTP scripted");
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.toUpperCase(Locale.ROOT);
            String scripted = replies.apply(command);
            if (scripted != null) {
                reply(out, scripted);
            } else if (command.startsWith("EHLO")) {
                reply(out, "250 localhost");
            } else if (command.equals("DATA")) {
                reply(out, "354 go ahead");
                while ((line = in.readLine()) != null && !line.equals(".")) {
                    // message content
                }
                reply(out, "250 queued");
            } else if (command.equals("QUIT")) {
                reply(out, "221 bye");
                return;
            } else {
                reply(out, "250 ok");
            }
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
