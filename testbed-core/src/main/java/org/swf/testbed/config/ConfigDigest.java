package org.swf.testbed.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.swf.testbed.ConfigException;

/** Tells whether two hosts read the same config file: the SHA-256 of its bytes. */
public final class ConfigDigest {

    private ConfigDigest() {
    }

    /**
     * @param file a config file
     * @return the SHA-256 of its bytes, in hex
     * @throws ConfigException when it cannot be read
     */
    public static String of(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new ConfigException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java has no SHA-256", e);
        }
    }
}
