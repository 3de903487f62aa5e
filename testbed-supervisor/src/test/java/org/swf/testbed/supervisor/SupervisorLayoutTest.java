package org.swf.testbed.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ServiceUnavailableException;

class SupervisorLayoutTest {

    @TempDir
    Path home;

    @AfterEach
    void removeRuntimeDirectory() throws IOException {
        Path runtime = SupervisorLayout.forHome(home).runtimeDir();
        if (Files.exists(runtime, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> files = Files.walk(runtime)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Test
    void forHomePutsConfigurationAndLogsInTheHomeAndTheSocketInAShortPrivatePath() {
        SupervisorLayout layout = SupervisorLayout.forHome(Path.of("/home/ana/testbed/../testbed"));
        String user = System.getProperty("user.name").replaceAll("[^A-Za-z0-9_.-]", "_");

        assertThat(layout.home()).isEqualTo(Path.of("/home/ana/testbed"));
        assertThat(layout.confFile()).isEqualTo(Path.of("/home/ana/testbed/agents.supervisord.conf"));
        assertThat(layout.logDir()).isEqualTo(Path.of("/home/ana/testbed/logs"));
        assertThat(layout.runtimeDir().toString()).matches("/tmp/testbed-" + java.util.regex.Pattern.quote(user)
                + "-[0-9a-f]{8}");
        assertThat(layout.socket().getParent()).isEqualTo(layout.runtimeDir());
        assertThat(layout.pidFile().getParent()).isEqualTo(layout.runtimeDir());
        assertThat(layout.socket().toString().length()).isLessThan(100);
        assertThat(layout.binDir()).isNull();
        assertThat(layout.stopTimeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void differentHomesGetDifferentRuntimeDirectories() {
        assertThat(SupervisorLayout.forHome(Path.of("/a")).runtimeDir())
                .isNotEqualTo(SupervisorLayout.forHome(Path.of("/b")).runtimeDir());
        assertThat(SupervisorLayout.forHome(Path.of("/a")).runtimeDir())
                .isEqualTo(SupervisorLayout.forHome(Path.of("/a/.")).runtimeDir());
    }

    @Test
    void aVeryLongHomeStillGivesAShortSocket() {
        SupervisorLayout layout = SupervisorLayout.forHome(Path.of("/x".repeat(200)));

        assertThat(layout.socket().toString().length()).isLessThan(100);
    }

    @Test
    void tooLongSocketPathIsRefused() {
        SupervisorLayout layout = SupervisorLayout.forHome(home);

        assertThatThrownBy(() -> new SupervisorLayout(home, layout.confFile(), layout.logDir(), home,
                Path.of("/tmp", "s".repeat(120)), layout.pidFile(), null, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too long");
    }

    @Test
    void prepareCreatesAPrivateRuntimeDirectoryAndTheLogDirectory() throws IOException {
        SupervisorLayout layout = SupervisorLayout.forHome(home);

        layout.prepareDirectories();

        assertThat(layout.logDir()).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.runtimeDir())))
                .isEqualTo("rwx------");
    }

    @Test
    void aWiderModeOfOurOwnDirectoryIsNarrowed() throws IOException {
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        Files.createDirectory(layout.runtimeDir());
        Files.setPosixFilePermissions(layout.runtimeDir(), PosixFilePermissions.fromString("rwxr-xr-x"));

        layout.prepareDirectories();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.runtimeDir())))
                .isEqualTo("rwx------");
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory away");
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        Files.createDirectory(layout.runtimeDir());
        Files.setAttribute(layout.runtimeDir(), "unix:uid", 65534);

        assertThatThrownBy(layout::prepareDirectories).isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining(layout.runtimeDir().toString()).hasMessageContaining("uid 65534")
                .hasMessageContaining("remove it");
        assertThatThrownBy(layout::checkRuntimeDirectory).isInstanceOf(ServiceUnavailableException.class);
    }

    @Test
    void aSymbolicLinkInItsPlaceIsRefused() throws IOException {
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        Files.createSymbolicLink(layout.runtimeDir(), home);

        assertThatThrownBy(layout::prepareDirectories).isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("symbolic link");
    }

    @Test
    void checkAcceptsAnAbsentDirectory() {
        SupervisorLayout.forHome(home).checkRuntimeDirectory();

        assertThat(SupervisorLayout.forHome(home).runtimeDir()).doesNotExist();
    }

    @Test
    void runtimeDirectoryNamesTheUserAndTheHomeAsForHomeDoes() {
        assertThat(SupervisorLayout.runtimeDirectory(home, System.getProperty("user.name")))
                .isEqualTo(SupervisorLayout.forHome(home).runtimeDir());
        assertThat(SupervisorLayout.runtimeDirectory(Path.of("/a/./b"), "ana b").toString())
                .matches("/tmp/testbed-ana_b-[0-9a-f]{8}")
                .isEqualTo(SupervisorLayout.runtimeDirectory(Path.of("/a/b"), "ana b").toString());
    }

    @Test
    void aRuntimeDirectoryAsSupervisordLeftItIsRemoved() throws IOException {
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        layout.prepareDirectories();
        Files.writeString(layout.pidFile(), "4711\n");
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(layout.socket()));
        }
        assertThat(layout.socket()).exists();

        assertThat(layout.removeRuntimeDirectory()).isTrue();

        assertThat(layout.runtimeDir()).doesNotExist();
        assertThat(layout.removeRuntimeDirectory()).isFalse();
        assertThat(layout.logDir()).isDirectory();
    }

    @Test
    void aSymbolicLinkInPlaceOfTheRuntimeDirectoryIsNeitherFollowedNorRemoved() throws IOException {
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        Path target = Files.createDirectory(home.resolve("target"));
        Files.writeString(target.resolve("supervisord.pid"), "1\n");
        Files.createSymbolicLink(layout.runtimeDir(), target);

        assertThat(layout.removeRuntimeDirectory()).isFalse();

        assertThat(Files.isSymbolicLink(layout.runtimeDir())).isTrue();
        assertThat(target.resolve("supervisord.pid")).exists();
    }

    @Test
    void aRuntimeDirectoryHoldingAnythingElseIsLeftAlone() throws IOException {
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        layout.prepareDirectories();
        Files.writeString(layout.pidFile(), "4711\n");
        Files.writeString(layout.runtimeDir().resolve("notes.txt"), "mine\n");

        assertThat(layout.removeRuntimeDirectory()).isFalse();

        assertThat(layout.pidFile()).exists();
        assertThat(layout.runtimeDir().resolve("notes.txt")).exists();
    }

    @Test
    void aPidfileThatIsALinkIsNotSupervisordsAndKeepsTheDirectory() throws IOException {
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        layout.prepareDirectories();
        Path elsewhere = Files.writeString(home.resolve("elsewhere"), "keep\n");
        Files.createSymbolicLink(layout.pidFile(), elsewhere);

        assertThat(layout.removeRuntimeDirectory()).isFalse();

        assertThat(Files.isSymbolicLink(layout.pidFile())).isTrue();
        assertThat(elsewhere).hasContent("keep");
    }

    @Test
    void aRuntimeDirectoryWithAnotherModeIsLeftAlone() throws IOException {
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        layout.prepareDirectories();
        Files.setPosixFilePermissions(layout.runtimeDir(), PosixFilePermissions.fromString("rwxr-x---"));

        assertThat(layout.removeRuntimeDirectory()).isFalse();

        assertThat(layout.runtimeDir()).isDirectory();
    }

    @Test
    void aRuntimeDirectoryOfAnotherUserIsLeftAlone() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory away");
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        layout.prepareDirectories();
        Files.setAttribute(layout.runtimeDir(), "unix:uid", 65534);

        assertThat(layout.removeRuntimeDirectory()).isFalse();

        assertThat(layout.runtimeDir()).isDirectory();
    }
}
