package org.swf.testbed.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.port.ExecutionStore;
import org.swf.testbed.port.ExecutionStoreContract;

class SqliteExecutionStoreTest extends ExecutionStoreContract {

    @TempDir
    Path directory;

    private int stores;

    @Override
    protected ExecutionStore newStore() {
        return new SqliteExecutionStore(directory.resolve("db" + (++stores)).resolve("testbed.db"));
    }

    @Test
    void recordsSurviveReopening() {
        Path file = directory.resolve("reopen.db");
        new SqliteExecutionStore(file).allocate();
        assertThat(new SqliteExecutionStore(file).allocate()).isEqualTo(new ExecutionStore.Allocation(2, 100011));
    }

    @Test
    void concurrentProcessesNeverGetTheSameNumbers() throws IOException, InterruptedException {
        Path file = directory.resolve("shared.db");
        new SqliteExecutionStore(file);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    AllocateMain.class.getName(), file.toString(), "25").redirectErrorStream(true).start());
        }
        Set<String> runNumbers = new HashSet<>();
        Set<String> executionNumbers = new HashSet<>();
        for (Process process : processes) {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            for (String line : output.strip().split("\n")) {
                String[] numbers = line.split(" ");
                executionNumbers.add(numbers[0]);
                runNumbers.add(numbers[1]);
            }
        }
        assertThat(executionNumbers).hasSize(100).contains("1", "100");
        assertThat(runNumbers).hasSize(100).contains("100010", "100109");
    }

    /** One of the concurrent processes: allocates N numbers and prints them. */
    public static final class AllocateMain {
        public static void main(String[] args) {
            SqliteExecutionStore store = new SqliteExecutionStore(Path.of(args[0]));
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                ExecutionStore.Allocation allocation = store.allocate();
                out.append(allocation.executionNumber()).append(' ').append(allocation.runNumber()).append('\n');
            }
            System.out.print(out);
        }
    }
}
