package org.swf.testbed.agentmanager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.util.PrivateFiles;

/**
 * The one agent manager of a user on a host: two would split the user's control queue between
 * them, each answering half of the commands with half of the truth. The first to start holds an
 * exclusive lock on a file in the user's own directory, with its pid inside, until it exits (the
 * operating system lets go of it even when the process is killed); a second one finds it taken
 * and names the first.
 */
public final class ManagerLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private ManagerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param directory the user's private directory for it, e.g. {@code ~/.testbed}
     * @param user the user the manager serves
     * @param host this host's name
     * @return the held lock; close it (or exit) to let another manager start
     * @throws LifecycleConflictException when another agent manager of the user runs on this host
     * @throws ServiceUnavailableException when the lock file cannot be created
     */
    public static ManagerLock acquire(Path directory, String user, String host) {
        Path file = directory.resolve("agent-manager-" + host.replaceAll("[^A-Za-z0-9_.-]", "_") + ".lock");
        FileChannel channel;
        try {
            PrivateFiles.directory(directory);
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot create " + file + ", which keeps a second agent manager of "
                    + user + " from starting: " + e.getMessage() + ". Check that " + directory + " is writable by you", e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process: taken all the same
            }
            if (lock == null) {
                String holder = read(channel);
                channel.close();
                throw new LifecycleConflictException("An agent manager for " + user + " already runs on " + host
                        + (holder.isBlank() ? "" : " (" + holder + ")") + ". Use that one, or stop it first"
                        + pidHint(holder));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started "
                    + Instant.now()).getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new ManagerLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ServiceUnavailableException("Cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static String pidHint(String holder) {
        String[] words = holder.split("[ ,]+");
        return words.length > 1 && words[0].equals("pid") ? " (kill " + words[1] + ")" : "";
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was locked through it.
        }
    }

    /** Lets another agent manager start. */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The process is ending; the operating system releases the lock with it.
        }
    }
}
