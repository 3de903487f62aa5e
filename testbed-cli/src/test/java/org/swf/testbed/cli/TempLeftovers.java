package org.swf.testbed.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves behind what it made in the temp folder: a testbed home, the
 * supervisord runtime directory of a home, staged files. Each is registered with {@link
 * #made(Path)} when it is made (by {@link TestUser#newDirectory} and {@link TestbedHome}); after
 * each test (after all tests of a class that shares its instance) everything registered must be
 * gone. What is left is removed here, so that it neither piles up in /tmp nor fails the next test.
 *
 * <p>Registered for every test of this module by JUnit's extension auto-detection
 * ({@code junit-platform.properties}, {@code META-INF/services}), so a new test gets the check
 * without asking for it. Test classes run one after the other in a fork, which is what makes one
 * registry for the whole JVM correct.
 */
public final class TempLeftovers implements AfterEachCallback, AfterAllCallback {

    private static final Set<Path> MADE = ConcurrentHashMap.newKeySet();

    /**
     * @param path a file or directory a test made (or may make, e.g. a home's runtime directory),
     *     which the test must remove again
     * @return the path
     */
    static Path made(Path path) {
        MADE.add(path.toAbsolutePath().normalize());
        return path;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // A class sharing its instance keeps what its fields made until after all its tests.
        if (context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
                == TestInstance.Lifecycle.PER_METHOD) {
            requireNothingLeft();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        requireNothingLeft();
    }

    private static void requireNothingLeft() {
        List<Path> left = new ArrayList<>();
        for (Path path : List.copyOf(MADE)) {
            MADE.remove(path);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                left.add(path);
                try {
                    TestUser.deleteTree(path);
                } catch (AssertionError e) {
                    // Reported below with the rest.
                }
            }
        }
        if (!left.isEmpty()) {
            throw new AssertionError("The test left behind " + left + " in the temp folder (removed now)."
                    + " Its cleanup must remove every home, runtime directory and staged file it made");
        }
    }
}
