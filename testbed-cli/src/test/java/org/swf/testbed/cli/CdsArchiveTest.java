package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the sharing archive is made, with a stand-in java that records its calls: once, under a
 * lock, to a file of its own that only gets the archive's name when a JVM can map it.
 */
class CdsArchiveTest {

    @TempDir
    Path directory;

    @Test
    void isMadeOnceInTheBackgroundAndThenOnlyUsed() throws Exception {
        Path java = fakeJava("printf dump >> \"$calls\"; printf archive > \"$dump\"", "printf verify >> \"$calls\"");
        CdsArchive archive = new CdsArchive(directory.resolve("cds/testbed-1.jsa"));
        assertThat(archive.jvmOptions()).isEmpty();

        finish(archive.createInBackground(java.toString(), "/opt/testbed/lib/*"));

        assertThat(Files.readString(archive.path())).isEqualTo("archive");
        assertThat(archive.jvmOptions()).containsExactly("-XX:SharedArchiveFile=" + archive.path());
        assertThat(Files.readString(directory.resolve("calls"))).isEqualTo("dumpverify");
        assertThat(archive.createInBackground(java.toString(), "/opt/testbed/lib/*")).isEmpty();
        assertThat(files(archive.path().getParent())).containsExactlyInAnyOrder("testbed-1.jsa", "testbed-1.jsa.source");
    }

    @Test
    void aDumpThatNoJvmCanMapNeverGetsTheArchivesName() throws Exception {
        Path java = fakeJava("printf broken > \"$dump\"", "exit 1");
        CdsArchive archive = new CdsArchive(directory.resolve("cds/testbed-1.jsa"));

        finish(archive.createInBackground(java.toString(), "/opt/testbed/lib/*"));

        assertThat(archive.path()).doesNotExist();
        assertThat(archive.jvmOptions()).isEmpty();
        assertThat(files(archive.path().getParent())).containsExactly("testbed-1.jsa.source");
    }

    @Test
    void aFailingJavaOrAnUnwritableCacheFailsNothing() throws Exception {
        CdsArchive archive = new CdsArchive(directory.resolve("cds/testbed-1.jsa"));
        finish(archive.createInBackground(directory.resolve("no-such-java").toString(), "/opt/testbed/lib/*"));
        assertThat(archive.jvmOptions()).isEmpty();

        Files.writeString(directory.resolve("file"), "");
        CdsArchive underAFile = new CdsArchive(directory.resolve("file/cds/testbed-1.jsa"));
        assertThat(underAFile.createInBackground("java", "/opt/testbed/lib/*")).isEmpty();
        assertThat(underAFile.jvmOptions()).isEmpty();
    }

    @Test
    void oneMakerAtATimeUnlessTheOtherDiedLongAgo() throws Exception {
        Path java = fakeJava("printf archive > \"$dump\"", "true");
        CdsArchive archive = new CdsArchive(directory.resolve("cds/testbed-1.jsa"));
        Path lock = Files.createDirectories(archive.path().getParent()).resolve("testbed-1.jsa.lock");
        Files.writeString(lock, "");

        assertThat(archive.createInBackground(java.toString(), "/opt/testbed/lib/*")).isEmpty();

        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(3600)));
        finish(archive.createInBackground(java.toString(), "/opt/testbed/lib/*"));
        assertThat(archive.path()).exists();
        assertThat(lock).doesNotExist();
    }

    @Test
    void replacesTheArchivesOfTheSameClassPathAndOfRemovedDistributions() throws Exception {
        Path java = fakeJava("printf archive > \"$dump\"", "true");
        Path cache = Files.createDirectories(directory.resolve("cds"));
        Path kept = Files.createDirectories(directory.resolve("other/lib"));
        Files.writeString(cache.resolve("testbed-old.jsa"), "old build");
        Files.writeString(cache.resolve("testbed-old.jsa.source"), "/opt/testbed/lib/*\n");
        Files.writeString(cache.resolve("testbed-gone.jsa"), "removed distribution");
        Files.writeString(cache.resolve("testbed-gone.jsa.source"), directory.resolve("gone/lib/*") + "\n");
        Files.writeString(cache.resolve("testbed-other.jsa"), "another distribution");
        Files.writeString(cache.resolve("testbed-other.jsa.source"), kept.resolve("*") + "\n");

        finish(new CdsArchive(cache.resolve("testbed-new.jsa")).createInBackground(java.toString(), "/opt/testbed/lib/*"));

        assertThat(files(cache)).containsExactlyInAnyOrder("testbed-new.jsa", "testbed-new.jsa.source",
                "testbed-other.jsa", "testbed-other.jsa.source");
    }

    /** A java that dumps (-XX:ArchiveClassesAtExit=FILE) or verifies (-Xshare:on) as told. */
    private Path fakeJava(String dump, String verify) throws IOException {
        Path java = directory.resolve("java");
        Files.writeString(java, String.join("\n", "#!/bin/sh",
                "calls=" + directory.resolve("calls"),
                "dump=",
                "for argument in \"$@\"; do case $argument in -XX:ArchiveClassesAtExit=*) dump=${argument#*=};; esac; done",
                "if [ -n \"$dump\" ]; then " + dump + "; else " + verify + "; fi", ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        return java;
    }

    private static void finish(Optional<Process> maker) throws InterruptedException {
        assertThat(maker).isPresent();
        assertThat(maker.get().waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    private static List<String> files(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
