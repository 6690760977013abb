package io.backupkit.notify.email;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An SMTP server with STARTTLS for tests: it answers the greeting, {@code EHLO} (offering only STARTTLS) and
 * {@code STARTTLS} itself, does the TLS handshake with the test certificate, then hands the decrypted connection to a
 * plain GreenMail SMTP server, which does the rest (EHLO again, AUTH, MAIL, RCPT, DATA). GreenMail 2.1 has no
 * STARTTLS of its own.
 */
final class StartTlsFront implements AutoCloseable {

    private final ServerSocket server;
    private final int backendPort;
    private final SSLContext tls;

    StartTlsFront(int backendPort) throws Exception {
        this(backendPort, InetAddress.getLoopbackAddress());
    }

    StartTlsFront(int backendPort, InetAddress bind) throws Exception {
        this.backendPort = backendPort;
        this.tls = TestTls.serverContext();
        this.server = new ServerSocket(0, 10, bind);
        Thread acceptor = new Thread(this::accept, "starttls-front");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "starttls-front-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket plain) {
        try (plain) {
            InputStream in = plain.getInputStream();
            OutputStream out = plain.getOutputStream();
            write(out, "220 localhost ESMTP test front\r\n");
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO")) {
                    write(out, "250-localhost\r\n250 STARTTLS\r\n");
                } else if (command.equals("STARTTLS")) {
                    write(out, "220 2.0.0 Ready to start TLS\r\n");
                    break;
                } else if (command.equals("QUIT")) {
                    write(out, "221 2.0.0 Bye\r\n");
                    return;
                } else {
                    write(out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
                }
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", plain.getPort(),
                    true);
            secure.setUseClientMode(false);
            secure.startHandshake();
            try (secure; Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
                InputStream fromBackend = backend.getInputStream();
                readLine(fromBackend); // GreenMail's greeting; the client had ours
                Thread up = new Thread(() -> copy(secure, backend), "starttls-front-up");
                up.setDaemon(true);
                up.start();
                copy(backend, secure);
            }
        } catch (IOException e) {
            // the client went away, or refused the certificate
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.getOutputStream().flush();
        } catch (IOException e) {
            // closed
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Byte by byte, so nothing after the line (the TLS handshake) is read ahead. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII).strip();
            }
            line.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
