package org.swf.testbed.orchestrator;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.swf.testbed.OperationInProgressException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.util.PrivateFiles;

/**
 * The orchestrator's files in the home's state directory: the record of what the last run
 * started, the programs it gave supervisord, and the lock that keeps two front ends from
 * starting, scaling or stopping one testbed at once.
 */
final class HomeState {

    private static final String RUN_RECORD = "current-run.json";
    private static final String LOCK_FILE = "orchestrator.lock";
    /** Private, as the supervisord configuration: program environments may hold the broker's login. */
    private static final String PROGRAMS = "current-programs.json";

    private final Path home;
    private final Path directory;
    private final JsonCodec codec;

    HomeState(OrchestratorSettings settings, JsonCodec codec) {
        this.home = settings.home();
        this.directory = settings.stateDirectory();
        this.codec = codec;
    }

    /** @return what the last run started, if anything was started from this home */
    Optional<RunRecord> readRunRecord() {
        Path file = directory.resolve(RUN_RECORD);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(Files.readString(file, StandardCharsets.UTF_8), RunRecord.class));
        } catch (IOException | TestbedException e) {
            return Optional.empty();
        }
    }

    void writeRunRecord(RunRecord record) {
        write(RUN_RECORD, record);
    }

    /**
     * @return the programs the running testbed gave supervisord, exactly: a change of their
     *     number gives supervisord the others unchanged, so it leaves them running
     */
    Optional<LaunchedPrograms> readPrograms() {
        Path file = directory.resolve(PROGRAMS);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(Files.readString(file, StandardCharsets.UTF_8), LaunchedPrograms.class));
        } catch (IOException | TestbedException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    void writePrograms(LaunchedPrograms programs) {
        write(PROGRAMS, programs);
    }

    private void write(String name, Object content) {
        Path file = directory.resolve(name);
        try {
            PrivateFiles.directory(directory);
            PrivateFiles.write(file, codec.encode(content));
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot write " + file + ": " + e.getMessage() + ". Check that "
                    + home + " is writable by you", e);
        }
    }

    /**
     * Runs {@code operation} holding the home's lock.
     *
     * @param unlockedIfReadOnly whether to go ahead without the lock when the state directory
     *     cannot be written (stopping must work even then; starting writes there anyway)
     * @throws OperationInProgressException when another process holds the lock
     */
    <T> T withLock(Supplier<T> operation, boolean unlockedIfReadOnly) {
        Path lockFile = directory.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            PrivateFiles.directory(directory);
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
        } catch (IOException e) {
            if (unlockedIfReadOnly) {
                return operation.get();
            }
            throw new ServiceUnavailableException("Cannot lock " + lockFile + ": " + e.getMessage() + ". Check that "
                    + directory + " is writable by you", e);
        }
        try (channel; FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new OperationInProgressException("Another start or stop of this testbed"
                        + " is in progress. Wait for it to finish, then try again");
            }
            return operation.get();
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }
}
