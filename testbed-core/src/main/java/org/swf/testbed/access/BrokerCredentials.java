package org.swf.testbed.access;

import java.security.SecureRandom;
import java.util.Base64;
import org.swf.testbed.util.Redaction;

/**
 * The login of a home's embedded broker: the home's owner and a generated password. The
 * password never appears in {@link #toString()}.
 *
 * @param user the user name (the owner's login name)
 * @param password the password
 */
public record BrokerCredentials(String user, String password) {

    private static final int PASSWORD_BYTES = 32;

    /** Requires a user and a password with no whitespace or control characters. */
    public BrokerCredentials {
        requirePrintable("user", user);
        requirePrintable("password", password);
    }

    /**
     * @param user the user name
     * @param random the source of the password
     * @return credentials with a new password of 256 random bits
     */
    public static BrokerCredentials generate(String user, SecureRandom random) {
        byte[] secret = new byte[PASSWORD_BYTES];
        random.nextBytes(secret);
        return new BrokerCredentials(user, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** @return a description without the password */
    @Override
    public String toString() {
        return "BrokerCredentials[user=" + user + ", password=" + Redaction.MASK + "]";
    }

    private static void requirePrintable(String what, String value) {
        if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("The broker " + what + " must be non-empty, without whitespace or"
                    + " control characters");
        }
    }
}
