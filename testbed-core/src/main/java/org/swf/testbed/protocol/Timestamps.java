package org.swf.testbed.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/** The original's timestamp format: local time, ISO, microseconds, no zone. */
public final class Timestamps {

    private Timestamps() {
    }

    /**
     * @param instant a moment
     * @return e.g. {@code 2026-01-15T16:21:20.512345}
     */
    public static String localIso(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneId.systemDefault()).toString();
    }

    /** @return the local ISO time now */
    public static String now() {
        return localIso(Instant.now());
    }
}
