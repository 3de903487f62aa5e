package org.swf.testbed.broker;

import java.io.IOException;
import java.security.Principal;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.activemq.artemis.spi.core.security.jaas.PrincipalsCallback;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

/**
 * The JAAS login module of the embedded broker: checks a user against the broker's in-memory
 * users and gives the subject the user's roles.
 *
 * <p>A login succeeds with the right password (STOMP, AMQP PLAIN), or without a password when
 * the connection has passed a SCRAM exchange for that very user (AMQP SCRAM: Artemis opens the
 * session with the user name only). Anonymous logins always fail.
 *
 * <p>Public only because JAAS creates login modules by class name; the broker configures it
 * itself, nobody else needs to.
 */
public final class InMemoryLoginModule implements LoginModule {

    /** The login module option that carries the {@link CredentialStore}. */
    static final String CREDENTIALS_OPTION = InMemoryLoginModule.class.getName() + ".credentials";

    private Subject subject;
    private CallbackHandler callbackHandler;
    private CredentialStore credentials;
    private String user;
    private Set<String> roles;
    private final Set<Principal> added = new LinkedHashSet<>();

    /** Called by JAAS. */
    public InMemoryLoginModule() {
    }

    @Override
    public void initialize(Subject loginSubject, CallbackHandler handler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = loginSubject;
        this.callbackHandler = handler;
        Object store = options.get(CREDENTIALS_OPTION);
        this.credentials = store instanceof CredentialStore c ? c : null;
    }

    @Override
    public boolean login() throws LoginException {
        if (credentials == null) {
            throw new LoginException("The broker's login module has no users configured");
        }
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("password", false);
        handle(name, password);
        String given = name.getName();
        char[] secret = password.getPassword();
        password.clearPassword();
        try {
            if (given == null) {
                throw new FailedLoginException("Anonymous logins are refused; log in with a user name and password");
            }
            Set<String> granted = secret != null ? credentials.rolesIfPasswordMatches(given, secret)
                    : scramVerified(given) ? credentials.roles(given) : null;
            if (granted == null) {
                throw new FailedLoginException("Wrong user name or password");
            }
            user = given;
            roles = granted;
            return true;
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
        }
    }

    @Override
    public boolean commit() {
        if (user == null) {
            return false;
        }
        added.add(new UserPrincipal(user));
        roles.forEach(role -> added.add(new RolePrincipal(role)));
        subject.getPrincipals().addAll(added);
        return true;
    }

    @Override
    public boolean abort() {
        clear();
        return true;
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(added);
        clear();
        return true;
    }

    private void clear() {
        added.clear();
        user = null;
        roles = null;
    }

    /** Whether the connection's SASL layer completed a SCRAM exchange for exactly this user. */
    private boolean scramVerified(String given) throws LoginException {
        PrincipalsCallback peer = new PrincipalsCallback();
        try {
            callbackHandler.handle(new Callback[] {peer});
        } catch (UnsupportedCallbackException e) {
            return false; // not an Artemis connection: nothing can vouch for the user
        } catch (IOException e) {
            throw new LoginException("Cannot read the connection's SASL result: " + e.getMessage());
        }
        Principal[] principals = peer.getPeerPrincipals();
        return principals != null && Arrays.stream(principals)
                .anyMatch(p -> p instanceof ScramVerifiedPrincipal scram && scram.verifies(given));
    }

    private void handle(Callback... callbacks) throws LoginException {
        try {
            callbackHandler.handle(callbacks);
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException("The broker cannot read the login's user name and password: " + e.getMessage());
        }
    }
}
