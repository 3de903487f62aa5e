package org.swf.testbed.supervisor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.util.OsUser;
import org.swf.testbed.util.PrivateFiles;

/**
 * Where one testbed home keeps its supervisord files, and how long supervisord calls may take.
 *
 * <p>The configuration and the logs live in the home so that a user finds them; the control
 * socket and the pidfile live in a short per-user directory under {@code /tmp} because a unix
 * socket path must stay under about 100 characters and must not be reachable by other users.
 * The directory name carries a hash of the home, so two homes of one user never share a daemon.
 *
 * @param home the testbed home directory
 * @param confFile the generated supervisord configuration
 * @param logDir where supervisord and every program write their logs
 * @param runtimeDir the private (mode 0700) directory holding socket and pidfile
 * @param socket supervisord's unix control socket
 * @param pidFile where supervisord writes its process id
 * @param binDir the directory holding {@code supervisord} and {@code supervisorctl}, or null to
 *     search {@code PATH}
 * @param commandTimeout how long a plain supervisorctl call (status, shutdown) may take
 * @param daemonStartTimeout how long a freshly started supervisord may take to answer
 * @param stopTimeout how long stopping may take: supervisord's stopwaitsecs plus a margin
 */
public record SupervisorLayout(
        Path home,
        Path confFile,
        Path logDir,
        Path runtimeDir,
        Path socket,
        Path pidFile,
        Path binDir,
        Duration commandTimeout,
        Duration daemonStartTimeout,
        Duration stopTimeout) {

    /** The name of the generated configuration file in the home directory. */
    public static final String CONF_FILE_NAME = "agents.supervisord.conf";

    /** Kernels accept 108 bytes for a socket path; stay clearly below that. */
    private static final int MAX_SOCKET_PATH = 100;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private static final System.Logger LOG = System.getLogger(SupervisorLayout.class.getName());

    /** Validates paths and timeouts; {@code binDir} may be null. */
    public SupervisorLayout {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(confFile, "confFile");
        Objects.requireNonNull(logDir, "logDir");
        Objects.requireNonNull(runtimeDir, "runtimeDir");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(pidFile, "pidFile");
        requirePositive(commandTimeout, "commandTimeout");
        requirePositive(daemonStartTimeout, "daemonStartTimeout");
        requirePositive(stopTimeout, "stopTimeout");
        home = home.toAbsolutePath().normalize();
        confFile = confFile.toAbsolutePath().normalize();
        logDir = logDir.toAbsolutePath().normalize();
        runtimeDir = runtimeDir.toAbsolutePath().normalize();
        socket = socket.toAbsolutePath().normalize();
        pidFile = pidFile.toAbsolutePath().normalize();
        binDir = binDir == null ? null : binDir.toAbsolutePath().normalize();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length >= MAX_SOCKET_PATH) {
            throw new IllegalArgumentException("The supervisord socket path " + socket + " is too long for a unix socket"
                    + " (at most " + (MAX_SOCKET_PATH - 1) + " bytes): choose a shorter runtime directory");
        }
    }

    /**
     * The standard layout of a home: configuration and logs in the home, socket and pidfile in
     * {@code /tmp/testbed-<user>-<hash of home>}, default timeouts. Touches no file.
     *
     * @param home the testbed home directory
     * @return its layout
     */
    public static SupervisorLayout forHome(Path home) {
        Path absolute = home.toAbsolutePath().normalize();
        Path runtime = runtimeDirectory(absolute, OsUser.name());
        return new SupervisorLayout(absolute, absolute.resolve(CONF_FILE_NAME), absolute.resolve("logs"), runtime,
                runtime.resolve("supervisor.sock"), runtime.resolve("supervisord.pid"), null,
                Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(SupervisordConfWriter.STOP_WAIT_SECONDS + 10L));
    }

    /**
     * Where {@link #forHome} puts a home's runtime directory when {@code user} runs its testbed:
     * {@code /tmp/testbed-<user>-<hash of home>}. Touches no file.
     *
     * @param home the testbed home directory
     * @param user the OS login name of the user who runs it
     * @return that directory
     */
    public static Path runtimeDirectory(Path home, String user) {
        return Path.of("/tmp", "testbed-" + safeFileName(user) + "-" + homeHash(home.toAbsolutePath().normalize()));
    }

    /**
     * @param directory where {@code supervisord} and {@code supervisorctl} are, e.g. a virtualenv's
     *     {@code bin}; null to search {@code PATH}
     * @return this layout with that binary directory
     */
    public SupervisorLayout withBinDir(Path directory) {
        return new SupervisorLayout(home, confFile, logDir, runtimeDir, socket, pidFile, directory, commandTimeout,
                daemonStartTimeout, stopTimeout);
    }

    /**
     * @param command how long a plain supervisorctl call may take
     * @param daemonStart how long a fresh supervisord may take to answer
     * @param stop how long stopping programs may take
     * @return this layout with those timeouts
     */
    public SupervisorLayout withTimeouts(Duration command, Duration daemonStart, Duration stop) {
        return new SupervisorLayout(home, confFile, logDir, runtimeDir, socket, pidFile, binDir, command, daemonStart,
                stop);
    }

    /**
     * Creates the log directory and the private runtime directory, or checks that an existing
     * runtime directory is still private. A directory of ours with a wider mode is narrowed to
     * 0700; one owned by someone else, or a symbolic link, is refused because whoever controls
     * it controls the socket our commands go to.
     *
     * @throws ServiceUnavailableException when a directory cannot be created or is not safe
     */
    public void prepareDirectories() {
        try {
            // Logs tell what the testbed does and sometimes what it was sent: the owner's alone.
            PrivateFiles.directory(logDir);
            Path daemonLog = logDir.resolve("supervisord.log");
            if (!Files.exists(daemonLog)) {
                // supervisord opens its log before it sets its umask: created here, it is private too.
                Files.createFile(daemonLog, PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
            }
        } catch (FileAlreadyExistsException e) {
            // Created concurrently.
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot create the log directory " + logDir + ": " + e
                    + ". Check the permissions of " + home, e);
        }
        if (!Files.exists(runtimeDir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(runtimeDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                // Created concurrently; the check below decides whether it is usable.
            } catch (IOException e) {
                throw new ServiceUnavailableException("Cannot create the supervisord runtime directory " + runtimeDir
                        + ": " + e + ". Check that /tmp is writable", e);
            }
        }
        checkRuntimeDirectory();
    }

    /**
     * Checks the runtime directory if it exists (see {@link #prepareDirectories()}); absence is
     * fine because then no daemon can be listening there.
     *
     * @throws ServiceUnavailableException when it exists but is not private to this user
     */
    public void checkRuntimeDirectory() {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(runtimeDir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot inspect the supervisord runtime directory " + runtimeDir
                    + ": " + e, e);
        }
        if (!attributes.isDirectory() || attributes.isSymbolicLink()) {
            throw new ServiceUnavailableException("The supervisord runtime directory " + runtimeDir
                    + " is not a plain directory (a symbolic link or file is in its place), so its socket cannot be"
                    + " trusted. Remove it and try again");
        }
        int ownerUid = uidOf(runtimeDir);
        int ourUid = OsUser.effectiveUid();
        if (ownerUid != ourUid) {
            throw new ServiceUnavailableException("The supervisord runtime directory " + runtimeDir
                    + " belongs to user '" + attributes.owner().getName() + "' (uid " + ownerUid + "), not to '"
                    + osUser() + "' (uid " + ourUid + "), so its socket cannot be trusted. Ask that user or root to"
                    + " remove it");
        }
        if (!attributes.permissions().equals(OWNER_ONLY)) {
            try {
                Files.setPosixFilePermissions(runtimeDir, OWNER_ONLY);
            } catch (IOException e) {
                throw new ServiceUnavailableException("The supervisord runtime directory " + runtimeDir + " has mode "
                        + PosixFilePermissions.toString(attributes.permissions()) + " and could not be narrowed to"
                        + " rwx------: " + e + ". Remove it and try again", e);
            }
        }
    }

    /**
     * Removes the runtime directory once its supervisord has exited (the caller makes sure of
     * that), so that no {@code /tmp/testbed-*} directory outlives the daemon it was made for.
     *
     * <p>Only a directory exactly as {@link #prepareDirectories()} makes it is removed: a plain
     * directory (a symbolic link is never followed), owned by this user, mode 0700, holding
     * nothing but the socket and the pidfile. Anything else is left alone with a log line,
     * since it is not ours or someone changed it. Checking first and removing afterwards is
     * safe because the path cannot be swapped in between: nobody else may write into a 0700
     * directory of ours, and in the sticky {@code /tmp} only its owner (or root) may rename or
     * remove the directory itself.
     *
     * @return whether the directory was removed; false when it was absent or not safe to remove
     */
    public boolean removeRuntimeDirectory() {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(runtimeDir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            LOG.log(Level.INFO, "Left the supervisord runtime directory {0} alone: cannot inspect it: {1}",
                    runtimeDir, e.toString());
            return false;
        }
        String notOurs = null;
        if (!attributes.isDirectory() || attributes.isSymbolicLink()) {
            notOurs = "it is not a plain directory";
        } else if (uidOf(runtimeDir) != OsUser.effectiveUid()) {
            notOurs = "it belongs to " + attributes.owner().getName();
        } else if (!attributes.permissions().equals(OWNER_ONLY)) {
            notOurs = "its mode is " + PosixFilePermissions.toString(attributes.permissions()) + ", not rwx------";
        }
        if (notOurs != null) {
            LOG.log(Level.INFO, "Left the supervisord runtime directory {0} alone: {1}", runtimeDir, notOurs);
            return false;
        }
        try {
            List<Path> entries;
            try (Stream<Path> listed = Files.list(runtimeDir)) {
                entries = listed.toList();
            }
            for (Path entry : entries) {
                if (!isDaemonFile(entry)) {
                    LOG.log(Level.INFO, "Left the supervisord runtime directory {0} alone: it holds {1}, which"
                            + " supervisord did not make", runtimeDir, entry.getFileName());
                    return false;
                }
            }
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
            Files.delete(runtimeDir);
            LOG.log(Level.DEBUG, "Removed the supervisord runtime directory {0}", runtimeDir);
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // E.g. a new supervisord of this home created its socket meanwhile: then it is in use.
            LOG.log(Level.INFO, "Left the supervisord runtime directory {0} in place: {1}", runtimeDir, e.toString());
            return false;
        }
    }

    /** Our socket as a socket, our pidfile as a regular file; never a link. */
    private boolean isDaemonFile(Path entry) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (entry.equals(socket)) {
            return attributes.isOther();
        }
        return entry.equals(pidFile) && attributes.isRegularFile();
    }

    /** @return the OS login name, made safe for a file name */
    static String osUser() {
        return safeFileName(OsUser.name());
    }

    private static String safeFileName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (safe.isEmpty()) {
            safe = "unknown";
        }
        return safe.length() > 32 ? safe.substring(0, 32) : safe;
    }

    /**
     * @param home an absolute home path
     * @return 8 hex digits of its SHA-256, so each home gets its own daemon
     */
    static String homeHash(Path home) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(home.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static int uidOf(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ServiceUnavailableException("Cannot read the owner of " + path + ": " + e
                    + ". The supervisord adapter needs Linux", e);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + duration);
        }
    }
}
