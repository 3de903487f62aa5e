package org.swf.testbed.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Creates the testbed's own directories and files without group or other access, whatever the
 * caller's umask: state, logs and credentials are the owner's alone.
 */
public final class PrivateFiles {

    /** rwx------ */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** rw------- */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /**
     * Creates a directory (and missing parents) as owner-only; an existing directory of ours is
     * narrowed to owner-only, one we cannot narrow is left as it is.
     *
     * @param directory the directory
     * @return the directory
     * @throws IOException when it cannot be created
     */
    public static Path directory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Path parent = directory.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                // Created concurrently: narrowed below like any existing one.
            }
        }
        narrow(directory);
        return directory;
    }

    /**
     * Replaces a file atomically with owner-only text: readers see the old or the new content,
     * never half of it, and never a moment with wider access.
     *
     * @param file the file
     * @param text its new content
     * @throws IOException when it cannot be written
     */
    public static void write(Path file, String text) throws IOException {
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(FILE));
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Creates a file with owner-only text unless it exists: a secret made on first use. Of two
     * processes creating it at once, one wins and both then read its text; nobody ever sees a
     * half-written file.
     *
     * @param file the file
     * @param text its content, when it is created now
     * @throws IOException when it cannot be created
     */
    public static void createOnce(Path file, String text) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, file.getFileName() + ".", ".new",
                PosixFilePermissions.asFileAttribute(FILE));
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            // A hard link appears complete or not at all, and fails when another process got there first.
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException e) {
            // Theirs is the one.
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Takes group and other access away from an existing file or directory of ours; the owner's
     * own bits stay as they are (a directory its owner made read-only stays read-only).
     *
     * @param path the file or directory
     */
    public static void narrow(Path path) {
        try {
            Set<PosixFilePermission> current = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> owners = EnumSet.noneOf(PosixFilePermission.class);
            for (PosixFilePermission permission : current) {
                if (permission.name().startsWith("OWNER_")) {
                    owners.add(permission);
                }
            }
            if (!owners.equals(current)) {
                Files.setPosixFilePermissions(path, owners);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not ours or not POSIX: whoever owns it decides; its contents are still created private.
        }
    }
}
