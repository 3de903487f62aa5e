package org.swf.testbed.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The class-data sharing archive of a distribution's JVMs (JDK 17 dynamic AppCDS): the classes
 * the CLI, the broker, the runner and the built-in agents load, parsed once and mapped read-only
 * by all of them, so that each JVM starts sooner and holds its class metadata in pages it shares
 * with the others instead of in a metaspace of its own.
 *
 * <p>{@code bin/testbed} names the archive ({@code -Dtestbed.cds.archive}): a file in the user's
 * cache whose name is a checksum of the java binary and of every jar of {@code lib/} (path, size,
 * times, inode), so a rebuilt or reinstalled distribution or another Java gets an archive of its
 * own, never a stale one (the JVM itself checks only the jars' sizes and modification times,
 * which a reproducible build keeps). It passes {@code -XX:SharedArchiveFile} to the CLI's JVM when
 * the file exists, and the CLI passes it to the programs it starts ({@link #jvmOptions()}).
 *
 * <p>When the file is missing, the CLI makes it in the background ({@link #createInBackground}):
 * a JVM on the same java and class path loads the classes of {@code cds-classes.txt} and writes
 * them at exit ({@code -XX:ArchiveClassesAtExit}) to a file of its own; a second JVM must then
 * start with it under {@code -Xshare:on}, and only then is it renamed to the archive's name. So a
 * JVM only ever maps a whole archive that works (a truncated one would crash it), concurrent
 * commands and users never write the same file, and a command never waits for the archive or
 * fails because of it: until the archive exists, programs run without it ({@code -Xshare:auto}).
 */
final class CdsArchive {

    /** The system property by which {@code bin/testbed} names the archive. */
    static final String PROPERTY = "testbed.cds.archive";
    /** The classes the archive holds: those the testbed's programs load (see {@link CdsTraining}). */
    static final String CLASS_LIST = "cds-classes.txt";
    /** A creation that took longer than this has died: its lock no longer counts. */
    private static final Duration STALE_LOCK = Duration.ofMinutes(10);
    private static final Duration STALE_TEMPORARY = Duration.ofHours(1);

    private final Path archive;

    /** @param archive where the archive is, or is to be made */
    CdsArchive(Path archive) {
        this.archive = Objects.requireNonNull(archive, "archive").toAbsolutePath().normalize();
    }

    /** @return the archive {@code bin/testbed} named for this JVM, if it named one */
    static Optional<CdsArchive> ofThisCli() {
        String path = System.getProperty(PROPERTY);
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(new CdsArchive(Path.of(path)));
    }

    /** @return the archive's file */
    Path path() {
        return archive;
    }

    /** @return the options that make a JVM map the archive: none while it does not exist */
    List<String> jvmOptions() {
        return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
    }

    /**
     * Starts making the archive in the background when it does not exist and no other process
     * is making it; never waits and never throws.
     *
     * @param javaBinary the java binary of the JVMs that will map it
     * @param classPath their class path, exactly as they get it
     * @return the started process, if one was started
     */
    Optional<Process> createInBackground(String javaBinary, String classPath) {
        try {
            if (Files.isRegularFile(archive)) {
                return Optional.empty();
            }
            Path directory = archive.getParent();
            Files.createDirectories(directory);
            Path lock = sibling(".lock");
            if (!acquire(lock)) {
                return Optional.empty();
            }
            removeLeftovers(directory, classPath);
            Files.writeString(sibling(".source"), classPath + "\n", StandardCharsets.UTF_8);
            Path temporary = sibling("." + ProcessHandle.current().pid() + ".tmp");
            List<String> command = new ArrayList<>(List.of("sh", "-c", SCRIPT, "sh", temporary.toString(),
                    archive.toString(), lock.toString(), javaBinary, classPath));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            return Optional.of(builder.start());
        } catch (IOException | RuntimeException e) {
            // An archive is an optimisation: without it every program runs as before.
            return Optional.empty();
        }
    }

    /**
     * Dumps at a low priority (the programs starting meanwhile come first), proves the dump with
     * a JVM that must map it ({@code -Xshare:on} fails otherwise) on the same class path, and only
     * then gives it the archive's name, atomically.
     */
    private static final String SCRIPT = String.join("\n",
            "tmp=$1; archive=$2; lock=$3; java=$4; cp=$5",
            "trap 'rm -f \"$tmp\" \"$lock\"' EXIT",
            "nice -n 10 \"$java\" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
                    + " -XX:ArchiveClassesAtExit=\"$tmp\" -cp \"$cp\" " + CdsTraining.class.getName() + " || exit 0",
            "[ -s \"$tmp\" ] || exit 0",
            "\"$java\" -XX:+UseSerialGC -Xshare:on -XX:SharedArchiveFile=\"$tmp\" -cp \"$cp\" "
                    + TestbedCli.class.getName() + " --version || exit 0",
            "chmod 0644 \"$tmp\" && { sync \"$tmp\" 2>/dev/null || true; } && mv -f \"$tmp\" \"$archive\"");

    private Path sibling(String suffix) {
        return archive.resolveSibling(archive.getFileName() + suffix);
    }

    private static boolean acquire(Path lock) throws IOException {
        try {
            Files.createFile(lock);
            return true;
        } catch (FileAlreadyExistsException e) {
            FileTime made = Files.getLastModifiedTime(lock);
            if (made.toInstant().isAfter(Instant.now().minus(STALE_LOCK))) {
                return false;
            }
            Files.deleteIfExists(lock);
            try {
                Files.createFile(lock);
                return true;
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
        }
    }

    /**
     * Removes the archives this one replaces (of the same class path: the distribution was
     * rebuilt or reinstalled) or whose distribution is gone, and temporary files of dead
     * creations, so the cache does not grow with every build.
     */
    private void removeLeftovers(Path directory, String classPath) throws IOException {
        Instant staleBefore = Instant.now().minus(STALE_TEMPORARY);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp") && Files.getLastModifiedTime(file).toInstant().isBefore(staleBefore)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(".jsa.source") && !file.equals(sibling(".source"))) {
                    String other = Files.readString(file, StandardCharsets.UTF_8).strip();
                    if (other.equals(classPath) || !Files.isDirectory(libraryOf(other))) {
                        Path otherArchive = file.resolveSibling(name.substring(0, name.length() - ".source".length()));
                        Files.deleteIfExists(otherArchive);
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    /** @return the directory of a class path {@code DIR/*} (the distribution's lib/) */
    private static Path libraryOf(String classPath) {
        Path path = Path.of(classPath);
        return path.getFileName() != null && path.getFileName().toString().equals("*") ? path.getParent() : path;
    }
}
