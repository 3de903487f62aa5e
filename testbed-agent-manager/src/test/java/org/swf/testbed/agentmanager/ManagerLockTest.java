package org.swf.testbed.agentmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.LifecycleConflictException;

class ManagerLockTest {

    @TempDir
    Path home;

    @Test
    void aSecondManagerOfTheUserOnTheHostIsRefusedNamingTheFirst() throws IOException {
        Path directory = home.resolve(".testbed");
        try (ManagerLock first = ManagerLock.acquire(directory, "alice", "node1")) {
            assertThatThrownBy(() -> ManagerLock.acquire(directory, "alice", "node1"))
                    .isInstanceOf(LifecycleConflictException.class)
                    .hasMessageContaining("An agent manager for alice already runs on node1")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            Path file = directory.resolve("agent-manager-node1.lock");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        }
        // Released with the first: the next one starts.
        ManagerLock.acquire(directory, "alice", "node1").close();
    }

    @Test
    void eachHostHasItsOwn() {
        Path directory = home.resolve(".testbed");
        try (ManagerLock a = ManagerLock.acquire(directory, "alice", "node1");
                ManagerLock b = ManagerLock.acquire(directory, "alice", "node/2")) {
            assertThat(directory.resolve("agent-manager-node_2.lock")).exists();
        }
    }
}
