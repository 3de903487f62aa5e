package org.swf.testbed.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CounterFileTest {

    @TempDir
    Path directory;

    @Test
    void startsAtFirstAndCountsUp() {
        CounterFile counters = new CounterFile(directory.resolve("state/counters"));
        assertThat(counters.next("run_number", 100010)).isEqualTo(100010);
        assertThat(counters.next("run_number", 100010)).isEqualTo(100011);
        assertThat(counters.next("execution", 1)).isEqualTo(1);
        assertThat(new CounterFile(directory.resolve("state/counters")).next("run_number", 100010)).isEqualTo(100012);
    }

    @Test
    void concurrentCallersNeverShareANumber() throws Exception {
        Path file = directory.resolve("counters");
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            CounterFile counters = new CounterFile(file);
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> {
                    for (int n = 0; n < 25; n++) {
                        seen.add(counters.next("x", 1));
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(seen).hasSize(100).contains(1L, 100L);
    }
}
