package org.swf.testbed.broker;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.activemq.artemis.spi.core.security.scram.SCRAM;
import org.apache.activemq.artemis.spi.core.security.scram.ScramException;
import org.apache.activemq.artemis.spi.core.security.scram.ScramUtils;
import org.apache.activemq.artemis.spi.core.security.scram.UserData;
import org.swf.testbed.TestbedException;

/**
 * The broker's users, in memory only: what the login module checks passwords against and what the
 * SCRAM mechanisms challenge clients with.
 *
 * <p>Nothing here is written to disk. The SCRAM keys are derived once, at broker start, with a
 * fresh random salt per user and mechanism.
 */
final class CredentialStore {

    /** RFC 7677's minimum; what Artemis' own SCRAM tooling uses too. */
    private static final int SCRAM_ITERATIONS = 4096;
    private static final int SALT_BYTES = 32;

    private final Map<String, Account> accounts;
    private final byte[] decoyKey;

    private CredentialStore(Map<String, Account> accounts, byte[] decoyKey) {
        this.accounts = accounts;
        this.decoyKey = decoyKey;
    }

    /**
     * @param security the users to hold
     * @return a store with each user's password and SCRAM keys
     */
    static CredentialStore of(BrokerSecurity security) {
        SecureRandom random = new SecureRandom();
        Map<String, Account> accounts = new HashMap<>();
        for (BrokerSecurity.User user : security.users()) {
            Map<SCRAM, UserData> scram = new EnumMap<>(SCRAM.class);
            for (SCRAM mechanism : SCRAM.values()) {
                scram.put(mechanism, scramData(user.password(), mechanism, random));
            }
            accounts.put(user.name(), new Account(user.password().getBytes(StandardCharsets.UTF_8), user.roles(), scram));
        }
        byte[] decoyKey = new byte[32];
        random.nextBytes(decoyKey);
        return new CredentialStore(Map.copyOf(accounts), decoyKey);
    }

    /**
     * @param user a user name
     * @param password the password given, or null
     * @return the user's roles when the password is right, otherwise null
     */
    Set<String> rolesIfPasswordMatches(String user, char[] password) {
        Account account = user == null ? null : accounts.get(user);
        if (account == null || password == null) {
            return null;
        }
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] given = new byte[encoded.remaining()];
        encoded.get(given);
        try {
            // Constant time, so the comparison does not tell how much of a guess was right.
            return MessageDigest.isEqual(given, account.password()) ? account.roles() : null;
        } finally {
            Arrays.fill(given, (byte) 0);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }

    /**
     * @param user a user name
     * @return the user's roles, or null when there is no such user
     */
    Set<String> roles(String user) {
        Account account = user == null ? null : accounts.get(user);
        return account == null ? null : account.roles();
    }

    /**
     * The SCRAM salt, iteration count and keys to challenge a client with.
     *
     * @param user the user name the client gave
     * @param mechanism the SCRAM variant
     * @return the user's data; for an unknown user, made-up data that no password matches, the
     *     same each time for the same name, so a client cannot tell unknown users from known ones
     */
    UserData scramData(String user, SCRAM mechanism) {
        Account account = user == null ? null : accounts.get(user);
        if (account != null) {
            return account.scram().get(mechanism);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(decoyKey, "HmacSHA256"));
            byte[] seed = mac.doFinal((mechanism.name() + '\0' + user).getBytes(StandardCharsets.UTF_8));
            Base64.Encoder base64 = Base64.getEncoder();
            byte[] key = MessageDigest.getInstance(mechanism.getDigest()).digest(seed);
            return new UserData(base64.encodeToString(seed), SCRAM_ITERATIONS, base64.encodeToString(key),
                    base64.encodeToString(key));
        } catch (GeneralSecurityException e) {
            throw new TestbedException("This JVM lacks " + e.getMessage() + ", which broker logins need", e);
        }
    }

    private static UserData scramData(String password, SCRAM mechanism, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        try {
            ScramUtils.NewPasswordStringData data = ScramUtils.byteArrayToStringData(ScramUtils.newPassword(password,
                    salt, SCRAM_ITERATIONS, MessageDigest.getInstance(mechanism.getDigest()),
                    Mac.getInstance(mechanism.getHmac())));
            return new UserData(data.salt, data.iterations, data.serverKey, data.storedKey);
        } catch (GeneralSecurityException | ScramException e) {
            throw new TestbedException("Cannot derive the " + mechanism.getName() + " keys of a broker user: "
                    + e.getMessage() + ". This JVM must support " + mechanism.getHmac(), e);
        }
    }

    /** One user: the password to compare with, the roles, the SCRAM data per mechanism. */
    private record Account(byte[] password, Set<String> roles, Map<SCRAM, UserData> scram) {
    }
}
