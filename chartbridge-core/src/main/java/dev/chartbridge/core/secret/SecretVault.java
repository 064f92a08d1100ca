package dev.chartbridge.core.secret;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.store.Jdbc;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Secrets at rest: each is encrypted with AES-256-GCM under a master key held outside the database (environment
 * or file), with the secret's name as associated data so a ciphertext cannot be moved to another name. Values
 * are never logged. Thread-safe.
 */
public final class SecretVault {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;
    private final SecretKeySpec masterKey;

    /** @param masterKey 32 bytes */
    public SecretVault(Jdbc jdbc, byte[] masterKey) {
        if (masterKey.length != 32) {
            throw new ChartBridgeException("the master key must be 32 bytes (base64 of 32 random bytes)");
        }
        this.jdbc = jdbc;
        this.masterKey = new SecretKeySpec(masterKey, "AES");
    }

    public void put(String name, String value) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, name, nonce, value.getBytes(StandardCharsets.UTF_8));
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO secret (name, nonce, ciphertext) VALUES (?, ?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext,"
                    + " updated_at = now()")) {
                ps.setString(1, name);
                ps.setBytes(2, nonce);
                ps.setBytes(3, sealed);
                return ps.executeUpdate();
            }
        });
    }

    public Optional<String> get(String name) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT nonce, ciphertext FROM secret WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    byte[] plain = crypt(Cipher.DECRYPT_MODE, name, rs.getBytes(1), rs.getBytes(2));
                    return Optional.of(new String(plain, StandardCharsets.UTF_8));
                }
            }
        });
    }

    /** The stored secret, or the one {@code create} makes (stored first, so every node ends up with the same). */
    public synchronized String getOrCreate(String name, Supplier<String> create) {
        return get(name).orElseGet(() -> {
            String value = create.get();
            jdbc.inTransaction(c -> {
                byte[] nonce = new byte[12];
                RANDOM.nextBytes(nonce);
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO secret (name, nonce, ciphertext) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                    ps.setString(1, name);
                    ps.setBytes(2, nonce);
                    ps.setBytes(3, crypt(Cipher.ENCRYPT_MODE, name, nonce, value.getBytes(StandardCharsets.UTF_8)));
                    return ps.executeUpdate();
                }
            });
            return get(name).orElseThrow();
        });
    }

    private byte[] crypt(int mode, String name, byte[] nonce, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, masterKey, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            if (mode == Cipher.ENCRYPT_MODE) {
                throw new ChartBridgeException("secret '" + name + "' could not be encrypted", e);
            }
            // The usual cause: a second node started with a master key of its own on a shared database.
            throw new ChartBridgeException("secret '" + name + "' could not be decrypted: this node's master key is"
                    + " not the one that sealed the secrets in this database. Every node sharing a database needs the"
                    + " same master key: copy the first node's key file to this node's security.masterKeyFile, or"
                    + " give every node the same security.masterKeyEnv (docs/configuration.md, Several nodes)", e);
        }
    }
}
