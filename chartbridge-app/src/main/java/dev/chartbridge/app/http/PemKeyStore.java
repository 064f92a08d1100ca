package dev.chartbridge.app.http;

import dev.chartbridge.core.ChartBridgeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's TLS identity from PEM files, as certificate tools and ACME clients write them: a certificate chain
 * (leaf first) and an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}; RSA, EC or Ed25519). A PKCS#1
 * {@code BEGIN RSA PRIVATE KEY} file is refused with the command that converts it. Held in an in-memory key store
 * only. Stateless.
 */
final class PemKeyStore {
    /** The in-memory key store's password: it never leaves the process, so it protects nothing and need not. */
    static final char[] PASSWORD = "chartbridge".toCharArray();
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemKeyStore() {
    }

    /** @throws ChartBridgeException when a file cannot be read or holds no usable certificate or key */
    static KeyStore load(Path certificateChain, Path privateKey) {
        try {
            List<? extends Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certificateChain))));
            if (chain.isEmpty()) {
                throw new ChartBridgeException("TLS: no certificate in " + certificateChain);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("api", key(privateKey), PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ChartBridgeException("TLS: could not load the certificate chain " + certificateChain
                    + " and private key " + privateKey + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PRIVATE_KEY.matcher(pem);
        if (!m.find()) {
            throw new ChartBridgeException("TLS: " + file + " holds no unencrypted PKCS#8 private key (BEGIN PRIVATE"
                    + " KEY); convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException e) {
                // another algorithm's key: try the next
            }
        }
        throw new ChartBridgeException("TLS: the private key in " + file + " is not RSA, EC or Ed25519");
    }
}
