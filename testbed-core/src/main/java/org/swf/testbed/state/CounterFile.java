package org.swf.testbed.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * Named counters in one file, incremented under an exclusive file lock so that concurrent
 * processes (two runners, a runner and a CLI) never get the same number. File locks are held
 * per process, so threads of one process share one instance (it is synchronized).
 */
public final class CounterFile {

    private final Path file;

    /** @param file the counters file; created, with its directory, on first use */
    public CounterFile(Path file) {
        this.file = file;
    }

    /**
     * @param counter the counter's name, e.g. {@code run_number}
     * @param first the value the counter yields the first time
     * @return the next value of the counter
     */
    public synchronized long next(String counter, long first) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                ByteBuffer content = ByteBuffer.allocate((int) channel.size());
                while (content.hasRemaining() && channel.read(content, content.position()) > 0) {
                    // read until the buffer is full
                }
                Properties counters = new Properties();
                counters.load(new ByteArrayInputStream(content.array()));
                String current = counters.getProperty(counter);
                long value = current == null ? first : Long.parseLong(current.trim()) + 1;
                counters.setProperty(counter, Long.toString(value));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                counters.store(out, null);
                byte[] bytes = out.toString(StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(bytes), 0);
                channel.force(true);
                return value;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot update the counters in " + file + ": " + e.getMessage()
                    + ". Check that the testbed's state directory is writable", e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Counter " + counter + " in " + file + " is corrupt: " + e.getMessage()
                    + ". Fix or delete the file", e);
        }
    }
}
