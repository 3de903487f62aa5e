package org.swf.testbed.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.swf.testbed.supervisor.SupervisorLayout;
import org.swf.testbed.util.OsUser;

/**
 * The unprivileged user the integration tests run the testbed as: our users are never root.
 *
 * <p>When the build runs as root (as CI does), the tests create dedicated users when missing
 * ({@value #PRIMARY} and {@value #SECOND}) and start {@code bin/testbed} and everything it runs as
 * one of them, through {@code setpriv}. Their homes and a copy of the distribution are staged
 * under {@code /tmp}, because the checkout may sit where only root can enter (root's home); the
 * test user's files never go into the checkout. When the build runs as an ordinary user, that user
 * is the test user, and tests that need a second user are skipped.
 */
final class TestUser {

    /** The first test user, created when the build runs as root. */
    static final String PRIMARY = "testbed-it";
    /** The second test user, for tests of two users on one host. */
    static final String SECOND = "testbed-it2";

    private static final boolean ROOT = OsUser.effectiveUid() == 0;
    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static TestUser primary;
    private static TestUser second;
    private static Path stagedDistribution;

    final String name;
    final int uid;
    final int gid;
    final Path homeDirectory;
    private final boolean switched;

    private TestUser(String name, int uid, int gid, Path homeDirectory, boolean switched) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.homeDirectory = homeDirectory;
        this.switched = switched;
    }

    /** @return the user every testbed process of the tests runs as */
    static synchronized TestUser primary() {
        if (primary == null) {
            primary = ROOT ? ensure(PRIMARY) : current();
        }
        return primary;
    }

    /** @return a second unprivileged user, when the build runs as root and can create one */
    static synchronized Optional<TestUser> second() {
        if (!ROOT) {
            return Optional.empty();
        }
        if (second == null) {
            second = ensure(SECOND);
        }
        return Optional.of(second);
    }

    /** @return whether testbed processes run as another user than the test JVM */
    boolean switched() {
        return switched;
    }

    /** @return {@code bin/testbed} of a distribution this user can read and run */
    static synchronized Path launcher() {
        if (!ROOT) {
            return TestbedHome.DISTRIBUTION.resolve("bin/testbed").toAbsolutePath();
        }
        if (stagedDistribution == null) {
            try {
                Path staged = Files.createTempDirectory(Path.of("/tmp"), "testbed-it-dist-");
                // Shared by all tests of this JVM, so it goes when the JVM ends, not after a test.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        deleteTree(staged);
                    } catch (AssertionError e) {
                        System.err.println(e.getMessage());
                    }
                }));
                copyReadable(TestbedHome.DISTRIBUTION.toAbsolutePath(), staged);
                stagedDistribution = staged;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stagedDistribution.resolve("bin/testbed");
    }

    /**
     * @param command a command line
     * @return it run as this user (through setpriv when the tests run as root)
     */
    List<String> command(List<String> command) {
        if (!switched) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * @param environment the environment to start from (e.g. the test JVM's)
     * @return it as this user's login would have it: HOME, USER, LOGNAME, and a PATH without
     *     directories that only root can enter
     */
    Map<String, String> environment(Map<String, String> environment) {
        Map<String, String> result = new java.util.HashMap<>(environment);
        if (switched) {
            result.put("HOME", homeDirectory.toString());
            result.put("USER", name);
            result.put("LOGNAME", name);
            result.put("PATH", javaDirectory() + ":" + SYSTEM_PATH);
            result.remove("MAVEN_OPTS");
            result.remove("TMPDIR");
        }
        return result;
    }

    /**
     * @param commands a directory where this user keeps commands (e.g. ~/.local/bin)
     * @return this user's login environment on a machine with Java and the system's programs
     *     alone: {@code PATH} is {@code commands}, the test JVM's java and the system directories;
     *     nothing of Maven, no {@code CLASSPATH}, no {@code JAVA_HOME} (the java on the PATH runs),
     *     no {@code TESTBED_HOME} (the current directory is the home)
     */
    Map<String, String> environmentWithOnlyJava(Path commands) {
        Map<String, String> result = environment(System.getenv());
        result.keySet().removeIf(name -> name.startsWith("MAVEN_") || name.startsWith("M2_")
                || List.of("CLASSPATH", "JAVA_HOME", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "TESTBED_HOME",
                        "TESTBED_JAVA_OPTS").contains(name));
        result.put("PATH", commands + ":" + javaDirectory() + ":" + SYSTEM_PATH);
        return result;
    }

    /**
     * @param prefix the name's prefix
     * @return a new empty directory under /tmp owned by this user (mode 0700)
     */
    Path newDirectory(String prefix) {
        try {
            Path directory = TempLeftovers.made(Files.createTempDirectory(Path.of("/tmp"), prefix));
            own(directory);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a file as this user would have written it.
     *
     * @param file the file
     * @param text its content
     */
    void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            own(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param path a file or directory the tests made for this user */
    void own(Path path) {
        if (!switched) {
            return;
        }
        try {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param home a testbed home of this user
     * @return where the testbed puts supervisord's socket and pidfile for that home
     */
    Path runtimeDirectoryOf(Path home) {
        return SupervisorLayout.runtimeDirectory(home, name);
    }

    /**
     * Removes a directory the tests made, with everything in it, and waits until it is gone:
     * a process that is still exiting may write one more line to a log in it meanwhile.
     * Symbolic links are removed, never followed.
     *
     * @param directory the directory (or file)
     * @throws AssertionError naming what is left when it cannot be removed within half a minute
     */
    static void deleteTree(Path directory) {
        try {
            await("removal of " + directory).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> {
                        deleteWalking(directory);
                        return !Files.exists(directory, LinkOption.NOFOLLOW_LINKS);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Cannot remove " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void deleteWalking(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** @return the directory of the test JVM's java binary */
    private static Path javaDirectory() {
        return Path.of(ProcessHandle.current().info().command().orElse("/usr/bin/java")).getParent();
    }

    private static TestUser current() {
        return new TestUser(OsUser.name(), OsUser.effectiveUid(), -1,
                Path.of(System.getProperty("user.home")), false);
    }

    private static TestUser ensure(String name) {
        if (lookup(name).isEmpty()) {
            run(List.of("useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name));
        }
        String[] fields = lookup(name).orElseThrow(() -> new IllegalStateException("useradd did not create " + name));
        return new TestUser(name, Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), Path.of(fields[5]), true);
    }

    private static Optional<String[]> lookup(String name) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().map(line -> line.split(":", -1))
                    .filter(fields -> fields.length > 5 && fields[0].equals(name)).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyReadable(Path source, Path target) throws IOException {
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                Path copy = target.resolve(source.relativize(directory).toString());
                Files.createDirectories(copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Path copy = target.resolve(source.relativize(file).toString());
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(
                        Files.isExecutable(file) ? "rwxr-xr-x" : "rw-r--r--"));
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
