package dev.chartbridge.core.common;

import dev.chartbridge.core.ChartBridgeException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Small secret files beside the master key (the master key itself, the embedded database's passwords): created
 * readable by the owner only from the first byte (mode 0600 given at creation, never narrowed afterwards), written
 * whole under a temporary name and then linked into place, so no other OS user ever reads one and no reader ever
 * sees half a key. Two processes creating the same file at once end up with the same content (the loser reads the
 * winner's). Stateless and thread-safe.
 */
public final class KeyFiles {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private KeyFiles() {
    }

    /** Base64 of {@code bytes} fresh random bytes. */
    public static String randomBase64(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** A random password of 32 URL-safe characters (192 bits), safe to quote in SQL and in a pgpass line. */
    public static String randomPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * The trimmed content of {@code file}; when absent, the file is created (mode 0600, its directory 0700 when
     * created) holding {@code content}, and that is returned.
     *
     * @throws ChartBridgeException when the file can be neither read nor created
     */
    public static String readOrCreate(Path file, String content) {
        try {
            if (!Files.exists(file)) {
                create(file, content);
            }
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new ChartBridgeException("key file " + file + " could not be read or created ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Creates the directory (and parents) with mode 0700 where the file system has POSIX permissions. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** The mode given to a key file at creation. */
    public static FileAttribute<?>[] ownerOnly() {
        return POSIX ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))} : new FileAttribute<?>[0];
    }

    private static void create(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        createPrivateDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", ownerOnly());
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                // A hard link fails when the name exists: never replaces a key another process just created.
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException lost) {
                // another process created it first: its key is the one
            } catch (UnsupportedOperationException | IOException noLinks) {
                if (!Files.exists(file)) {
                    Files.move(temp, file);
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
