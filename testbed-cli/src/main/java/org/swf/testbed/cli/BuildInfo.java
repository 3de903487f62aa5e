package org.swf.testbed.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * What this build of the testbed is, as the build recorded it in {@code build.properties}
 * (filtered by testbed-cli's pom): the project version and the git commit it was built from.
 *
 * @param version the project version, or {@value #UNKNOWN_VERSION} for classes the build did not
 *     filter (compiled by an IDE)
 * @param commit the full commit id, with {@code -dirty} when the build had uncommitted changes, or
 *     {@value #UNKNOWN} when the build had no git or no repository (a source archive)
 */
record BuildInfo(String version, String commit) {

    private static final String UNKNOWN = "unknown";
    private static final String UNKNOWN_VERSION = "development build";
    private static final String RESOURCE = "build.properties";

    /** @return the build of the classes running now */
    static BuildInfo ofThisBuild() {
        Properties recorded = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                recorded.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE + " of the testbed's own jar", e);
        }
        return new BuildInfo(filled(recorded.getProperty("version"), UNKNOWN_VERSION),
                filled(recorded.getProperty("commit"), UNKNOWN));
    }

    /**
     * @return what {@code testbed --version} prints: the version, the commit, and the Java runtime
     *     (whose version, vendor and home decide how every program of the testbed runs)
     */
    List<String> describe() {
        return List.of("testbed " + version,
                "Commit: " + commit,
                "Java:   " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor")
                        + "), " + System.getProperty("java.home"));
    }

    /** A property the build did not fill in still reads {@code ${name}}. */
    private static String filled(String value, String fallback) {
        return value == null || value.isBlank() || value.contains("${") ? fallback : value.trim();
    }
}
