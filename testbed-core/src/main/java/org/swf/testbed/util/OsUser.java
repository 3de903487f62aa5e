package org.swf.testbed.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who this process runs as, read from the kernel rather than from variables a caller can set.
 *
 * <p>{@code $USER} may be unset or stale (after {@code su} or {@code runuser}); the JVM's
 * {@code user.name} is looked up from the effective uid, and the uid itself comes from
 * {@code /proc/self/status}. (The owner of the {@code /proc/self} link is always root, so it
 * says nothing about us.)
 */
public final class OsUser {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path PASSWD = Path.of("/etc/passwd");

    private OsUser() {
    }

    /**
     * @return the effective uid of this process
     * @throws IllegalStateException when {@code /proc/self/status} cannot be read (not Linux)
     */
    public static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    // Uid: real effective saved filesystem
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read this process's uid from " + STATUS + ": " + e
                    + ". The testbed needs Linux", e);
        }
        throw new IllegalStateException(STATUS + " has no Uid line. The testbed needs Linux");
    }

    /** @return the login name of the effective user */
    public static String name() {
        return System.getProperty("user.name", "unknown");
    }

    /**
     * @param uid a uid
     * @return its login name from {@code /etc/passwd}, if it has one there
     */
    public static Optional<String> nameOf(int uid) {
        try {
            for (String line : Files.readAllLines(PASSWD, StandardCharsets.UTF_8)) {
                String[] fields = line.split(":", -1);
                if (fields.length > 2 && fields[2].equals(Integer.toString(uid))) {
                    return Optional.of(fields[0]);
                }
            }
        } catch (IOException e) {
            // Directory services may hold the name instead; the uid alone still tells who it is.
        }
        return Optional.empty();
    }

    /**
     * @param uid a uid
     * @return {@code 'name' (uid N)}, or {@code uid N} when the name is unknown
     */
    public static String describe(int uid) {
        return nameOf(uid).map(name -> "'" + name + "' (uid " + uid + ")").orElse("uid " + uid);
    }
}
