package org.swf.testbed.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The JVM that makes the class-data sharing archive ({@link CdsArchive}): it loads, without
 * initializing them, the classes the testbed's programs load, listed in {@code cds-classes.txt},
 * and exits; {@code -XX:ArchiveClassesAtExit} then writes them to the archive. Loading runs no
 * code of the classes, so it needs no broker, home or config. A class the list names that is not
 * on the class path (renamed, removed) is skipped; one it does not name is loaded from its jar as
 * always, so a stale list costs sharing, never behaviour.
 *
 * <p>The list is the classes a {@code testbed run --fast --wait fast_processing} and the usual
 * commands load, other than those of the JDK's own archive: regenerate it after larger changes
 * with {@code -Xlog:class+load=info:file=DIR/%p.log} on every JVM (AGENT_JVM_OPTIONS,
 * BROKER_JVM_OPTIONS and TESTBED_JAVA_OPTS), keeping the class names whose source is a jar or
 * {@code jrt:/}, sorted.
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    /**
     * @param args ignored
     * @throws IOException when the class list cannot be read
     */
    public static void main(String[] args) throws IOException {
        ClassLoader loader = CdsTraining.class.getClassLoader();
        int loaded = 0;
        try (InputStream list = CdsTraining.class.getResourceAsStream(CdsArchive.CLASS_LIST)) {
            if (list == null) {
                throw new IOException(CdsArchive.CLASS_LIST + " is missing from the testbed-cli jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try {
                    Class.forName(name, false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    // Not on this class path any more: the archive goes without it.
                }
            }
        }
        System.out.println("Loaded " + loaded + " classes for the archive");
    }
}
