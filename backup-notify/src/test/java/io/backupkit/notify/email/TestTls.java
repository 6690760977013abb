package io.backupkit.notify.email;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.KeyStore;

/**
 * The test certificate, issued for {@code localhost} and {@code 127.0.0.1}: {@code tls/localhost.p12} (key and
 * certificate, password {@code changeit}) and {@code tls/localhost.pem} (the certificate alone).
 */
final class TestTls {

    private static final String KEYSTORE_PROPERTY = "greenmail.tls.keystore.file";

    private TestTls() {
    }

    /** Makes GreenMail's SMTPS use the test certificate when the build did not already say so. */
    static void useForGreenMail() {
        if (System.getProperty(KEYSTORE_PROPERTY) == null) {
            System.setProperty(KEYSTORE_PROPERTY, resource("tls/localhost.p12").toString());
        }
    }

    static Path certificate() {
        return resource("tls/localhost.pem");
    }

    static SSLContext serverContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = TestTls.class.getClassLoader().getResourceAsStream("tls/localhost.p12")) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static Path resource(String name) {
        try {
            return Path.of(TestTls.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
