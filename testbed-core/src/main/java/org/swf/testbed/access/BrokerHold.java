package org.swf.testbed.access;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.util.PrivateFiles;

/**
 * A hold on a home's supervised broker, taken by a long-lived user of it (the agent manager):
 * while anyone holds it, stopping the testbed stops the agents and leaves the broker running, so
 * that the holder is never left without its broker.
 *
 * <p>A hold is a shared lock on {@value #FILE} in the home's state directory; the kernel drops it
 * when its process ends, however it ends, so a killed holder never keeps the broker alive. Whether
 * another process holds it is asked by trying an exclusive lock, which every shared one blocks.
 * Those are POSIX record locks, and closing any descriptor of the file drops every lock the
 * process has on it: so this process never opens the file while it holds it, and answers for its
 * own holds from memory.
 */
public final class BrokerHold implements AutoCloseable {

    /** The lock file in the state directory. */
    public static final String FILE = "broker-hold.lock";

    /** This process's open holds: lock file, its channel (which carries the lock), and how many. */
    private static final Map<Path, FileChannel> HELD = new HashMap<>();
    private static final Map<Path, Integer> COUNTS = new HashMap<>();

    private final Path file;
    private boolean closed;

    private BrokerHold(Path file) {
        this.file = file;
    }

    /**
     * Holds the broker of the home whose state directory this is, waiting for a moment when no
     * one is asking whether it is held.
     *
     * @param stateDirectory the home's state directory
     * @return the hold; closing it lets the broker go
     * @throws ServiceUnavailableException when the lock file cannot be created or locked
     */
    public static BrokerHold acquire(Path stateDirectory) {
        Path file = stateDirectory.toAbsolutePath().normalize().resolve(FILE);
        synchronized (HELD) {
            if (!HELD.containsKey(file)) {
                FileChannel channel = null;
                try {
                    PrivateFiles.directory(stateDirectory);
                    channel = open(file, StandardOpenOption.CREATE);
                    FileLock lock = channel.lock(0, Long.MAX_VALUE, true);
                    if (lock == null) {
                        throw new IOException("no lock was granted");
                    }
                } catch (IOException e) {
                    closeQuietly(channel);
                    throw new ServiceUnavailableException("Cannot hold the broker of this home through " + file + ": "
                            + e + ". Check that " + stateDirectory + " is writable by you", e);
                }
                HELD.put(file, channel);
            }
            COUNTS.merge(file, 1, Integer::sum);
            return new BrokerHold(file);
        }
    }

    /**
     * @param stateDirectory a home's state directory
     * @return whether a process (this one included) holds that home's broker now
     */
    public static boolean isHeld(Path stateDirectory) {
        Path file = stateDirectory.toAbsolutePath().normalize().resolve(FILE);
        synchronized (HELD) {
            if (HELD.containsKey(file)) {
                return true;
            }
            // This process has no lock on the file, so closing the probe's descriptor drops none.
            try (FileChannel channel = open(file)) {
                FileLock probe = channel.tryLock();
                if (probe == null) {
                    return true;
                }
                probe.release();
                return false;
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                // Unreadable: keeping a broker that may be needed is the safe side.
                return true;
            }
        }
    }

    /** Lets the broker go; once no hold is left, a stop stops it with the agents. */
    @Override
    public void close() {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            if (COUNTS.merge(file, -1, Integer::sum) > 0) {
                return;
            }
            COUNTS.remove(file);
            // Closing the channel releases its lock.
            closeQuietly(HELD.remove(file));
        }
    }

    private static FileChannel open(Path file, StandardOpenOption... extra) throws IOException {
        Set<StandardOpenOption> options = new HashSet<>(Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        options.addAll(Set.of(extra));
        return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing more can be released.
        }
    }
}
