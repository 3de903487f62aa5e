package org.swf.testbed.broker;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ConfigurationUtils;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.impl.AddressInfo;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;

/**
 * An ActiveMQ Artemis broker inside this JVM, speaking AMQP 1.0 and STOMP on loopback.
 *
 * <p>Both protocols reach the same addresses: a Qpid JMS client's {@code createQueue("x")} and a
 * STOMP client's {@code /queue/x} meet at the anycast queue {@code x}; {@code createTopic("y")} and
 * {@code /topic/y} meet at the multicast address {@code y}. Addresses and queues are created on
 * first use, so no destination has to be declared.
 *
 * <p>With {@link BrokerOptions#security()} every AMQP and STOMP connection must log in: AMQP
 * offers SCRAM-SHA-512 and SCRAM-SHA-256 (the client proves it knows the password without sending
 * it, and the broker proves it knows it too) and PLAIN (for other AMQP tools); STOMP takes
 * {@code login} and {@code passcode}. What a user may do is decided per address by the
 * {@link BrokerSecurity} rules. The users live in memory only. Without security anyone may connect
 * and do anything, which is why {@link BrokerOptions} then accepts only loopback hosts. With
 * {@link BrokerOptions#tls()} the AMQP port speaks TLS only; STOMP stays plain. A secured broker
 * does not route messages to wildcard addresses (a subscription to {@code testbed.#} would
 * otherwise receive copies from addresses its user may not read).
 *
 * <p>What it holds is bounded ({@link BrokerLimits}): every address has a limit of its own and a
 * policy for when it is full that never holds up producers (control queues refuse the next
 * message, all other addresses drop it), so one queue nobody consumes cannot stop the others; all
 * addresses together hold at most half the heap; a message larger than
 * {@link BrokerLimits#MAX_MESSAGE_BYTES} is refused, as an error for its sender.
 *
 * <p>Messages live in memory unless {@link BrokerOptions#dataDir()} is given. The testbed starts
 * its own broker without one, on purpose: its queues carry commands whose senders wait seconds for
 * a reply and the work of the one running workflow, neither worth replaying after a broker
 * restart, and topics are not persistent anyway. So a restart of the broker empties every queue.
 * With a journal ({@code testbed broker --data-dir}, by hand), work and other queues page to disk
 * when full, up to a limit per address, and at 95% disk usage the broker stops taking messages.
 *
 * <p>The configuration is built in code: there is no {@code broker.xml} to ship, find or get out of
 * step with the ports in the testbed config.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private static final String AMQP_ACCEPTOR = "amqp";
    private static final String STOMP_ACCEPTOR = "stomp";
    /** Where Artemis puts messages that could not be delivered. */
    static final String DEAD_LETTER = "DLQ";
    /** Where Artemis puts messages whose time to live has passed. */
    static final String EXPIRED = "ExpiryQueue";
    private static final Duration JOURNAL_LOCK_TIMEOUT = Duration.ofSeconds(2);
    private static final int JOURNAL_FILE_BYTES = 10 * 1024 * 1024;
    private static final int JOURNAL_BUFFER_BYTES = 2 * BrokerLimits.MAX_MESSAGE_BYTES + 1024 * 1024;
    private static final String KEY_STORE_TYPE = "PKCS12";
    /** What the AMQP acceptor offers when login is required, in order of preference. */
    private static final List<String> SASL_MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

    private final BrokerOptions options;
    private final ActiveMQServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedBroker(BrokerOptions options, ActiveMQServer server) {
        this.options = options;
        this.server = server;
    }

    /**
     * Starts a broker and returns once both acceptors listen.
     *
     * @param options where to listen and whether to persist
     * @return the running broker; close it to stop it
     * @throws ServiceUnavailableException when a port is already taken or the broker fails to start
     */
    public static EmbeddedBroker start(BrokerOptions options) {
        long startNanos = System.nanoTime();
        // Checked before Artemis starts so the common case (a broker already running) gets one
        // clear sentence instead of Artemis' stack traces; the acceptor check below covers the race.
        for (Map.Entry<String, Integer> port : ports(options).entrySet()) {
            requirePortFree(options.host(), port.getKey(), port.getValue());
        }
        if (options.tls() != null) {
            requireKeyStore(options.tls());
        }
        ActiveMQServer server;
        try {
            Configuration config = configuration(options);
            server = options.security() == null ? ActiveMQServers.newActiveMQServer(config)
                    : ActiveMQServers.newActiveMQServer(config, ManagementFactory.getPlatformMBeanServer(),
                            new TestbedSecurityManager(CredentialStore.of(options.security())),
                            config.isPersistenceEnabled());
        } catch (TestbedException e) {
            throw e;
        } catch (Exception e) {
            throw new TestbedException("Cannot configure the embedded broker: " + e.getMessage(), e);
        }
        EmbeddedBroker broker = new EmbeddedBroker(options, server);
        server.registerActivateCallback(new ActivateCallback() {
            @Override
            public void stop(ActiveMQServer stoppedServer) {
                broker.stopped.countDown();
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            broker.close();
            throw new ServiceUnavailableException("Cannot start the embedded broker on " + options.host() + " (AMQP "
                    + options.amqpPort() + ", STOMP " + options.stompPort() + "): " + e.getMessage()
                    + ". Check the ports and the data directory, or set [broker] url to use another broker", e);
        }
        broker.requireListening();
        LOG.info("Broker started in {} ms: AMQP {}, STOMP {}:{}, {}, {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), broker.amqpUrl(), options.host(),
                options.stompPort(), options.persistent() ? "journal in " + options.dataDir() : "not persistent",
                options.security() == null ? "no login (security off)"
                        : "login required (" + options.security().users().size() + " user(s))");
        return broker;
    }

    /**
     * @return the URL Qpid JMS clients connect to, e.g. {@code amqp://127.0.0.1:5672}, or
     *     {@code amqps://...} with TLS
     */
    public String amqpUrl() {
        return (options.tls() == null ? "amqp" : "amqps") + "://" + hostForUri(options.host()) + ":"
                + options.amqpPort();
    }

    /** @return the AMQP port */
    public int amqpPort() {
        return options.amqpPort();
    }

    /** @return the STOMP port */
    public int stompPort() {
        return options.stompPort();
    }

    /** @return the options the broker was started with */
    public BrokerOptions options() {
        return options;
    }

    /**
     * Counts at the broker, so that a throughput figure rests on messages that were really sent
     * rather than on what a participant reports.
     *
     * @param address an address, e.g. a topic or queue name
     * @return how many messages were sent to it since the broker started (routed to a queue or
     *     not); 0 for an address nobody has used
     */
    public long messagesSent(String address) {
        AddressInfo info = server.getAddressInfo(SimpleString.of(address));
        return info == null ? 0 : info.getRoutedMessageCount() + info.getUnRoutedMessageCount();
    }

    /** @return the Artemis server, for tests that look at what it holds */
    ActiveMQServer server() {
        return server;
    }

    /** @return whether the broker is serving */
    public boolean isRunning() {
        return stopped.getCount() > 0 && server.isActive();
    }

    /**
     * Blocks until the broker stops, through {@link #close()} (e.g. from a shutdown hook) or on its
     * own. This is the main loop of the {@code testbed broker} program, which runs until
     * supervisord stops it. An interrupt ends the wait early and stays set.
     */
    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits at most {@code timeout} for the broker to stop.
     *
     * @param timeout how long to wait
     * @return whether it has stopped
     */
    public boolean awaitStop(Duration timeout) {
        try {
            return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stopped.getCount() == 0;
        }
    }

    /** Stops the broker, dropping its client connections. Safe to call more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long startNanos = System.nanoTime();
        try {
            server.stop();
        } catch (Exception e) {
            // Nothing a caller can do about a failed stop; the JVM exit cleans up the sockets.
            LOG.warn("Embedded broker did not stop cleanly: {}", e.toString());
        } finally {
            stopped.countDown();
        }
        LOG.info("Broker stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private void requireListening() {
        boolean listening = server.isActive();
        for (String acceptorName : ports(options).keySet()) {
            Acceptor acceptor = server.getRemotingService().getAcceptor(acceptorName);
            listening &= acceptor != null && acceptor.isStarted();
        }
        if (listening) {
            return;
        }
        // Artemis does not throw when an acceptor cannot bind: it logs the failure and stays
        // inactive. A port taken since the check above is by far the likeliest cause, so look
        // again (with our own acceptors closed) to say so plainly.
        close();
        for (Map.Entry<String, Integer> port : ports(options).entrySet()) {
            requirePortFree(options.host(), port.getKey(), port.getValue());
        }
        throw new ServiceUnavailableException("The embedded broker on " + options.host() + " (AMQP "
                + options.amqpPort() + ", STOMP " + options.stompPort() + ") did not become active"
                + (options.persistent() ? "; is another broker using its data directory " + options.dataDir() + "?"
                        : "; the broker log says why.")
                + " Stop the other broker, or set [broker] url to use another broker");
    }

    private static Configuration configuration(BrokerOptions options) throws Exception {
        String host = options.host();
        Configuration config = new ConfigurationImpl()
                .setName("testbed")
                .setSecurityEnabled(options.security() != null)
                .setJMXManagementEnabled(false)
                .setPersistenceEnabled(options.persistent())
                .setJournalType(JournalType.NIO)
                .setGracefulShutdownEnabled(false)
                // Set rather than left to Artemis, which logs its choice at every start; the
                // per-address limits stay far below it (BrokerLimits).
                .setGlobalMaxSize(BrokerLimits.globalMaxBytes(Runtime.getRuntime().maxMemory()))
                // A nearly full disk must not silently block senders of an in-memory broker.
                .setMaxDiskUsage(options.persistent() ? 95 : -1)
                .addAcceptorConfiguration(amqpAcceptor(options))
                // The prefixes map STOMP's /queue/x and /topic/x onto the bare address x that Qpid
                // JMS uses, with the routing type the prefix names. No "large messages" (bodies in
                // files of their own): every message is small (BrokerLimits.MAX_MESSAGE_BYTES on
                // the wire), kept whole and counted whole against its address's limit.
                .addAcceptorConfiguration(STOMP_ACCEPTOR, "tcp://" + hostForUri(host) + ":" + options.stompPort()
                        + "?protocols=STOMP;anycastPrefix=/queue/;multicastPrefix=/topic/;stompMinLargeMessageSize=-1");
        config.registerBrokerPlugin(new MessageSizeLimit(BrokerLimits.MAX_MESSAGE_BYTES,
                BrokerLimits.MAX_STOMP_HEADER_BYTES));
        if (options.security() != null) {
            secure(config, options.security());
        }
        if (options.persistent()) {
            Path dir = options.dataDir().toAbsolutePath();
            config.setJournalDirectory(dir.resolve("journal").toString())
                    .setBindingsDirectory(dir.resolve("bindings").toString())
                    .setPagingDirectory(dir.resolve("paging").toString())
                    .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                    .setNodeManagerLockDirectory(dir.toString())
                    // Another broker on the same journal holds its lock; Artemis would wait for it
                    // forever.
                    .setJournalLockAcquisitionTimeout(JOURNAL_LOCK_TIMEOUT.toMillis())
                    .setJournalFileSize(JOURNAL_FILE_BYTES)
                    // A message that does not fit the journal's buffer becomes a "large message":
                    // converted to Artemis' own format (a text body doubles, as UTF-16), kept in a
                    // file of its own and no longer counted whole against its address's limit.
                    // Every message the broker takes fits, a STOMP text body of the largest size
                    // as UTF-16 included.
                    .setJournalBufferSize_NIO(JOURNAL_BUFFER_BYTES);
        }
        AddressSettings everything = new AddressSettings()
                .setAutoCreateAddresses(true)
                .setAutoCreateQueues(true)
                .setAutoDeleteAddresses(true)
                .setAutoDeleteQueues(true)
                // Without these Artemis warns for every queue it creates. Listeners never make a
                // message fail (the bus catches their exceptions), so these stay nearly empty.
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTER))
                .setExpiryAddress(SimpleString.of(EXPIRED));
        // Limits and full policies per kind of address. Without a journal there is nowhere to
        // page to: a full address refuses or drops instead of writing paging files into the
        // working directory.
        BrokerLimits.addressSettings(options.persistent(), everything).forEach(config::addAddressSetting);
        for (String name : new String[] {DEAD_LETTER, EXPIRED}) {
            config.addQueueConfiguration(QueueConfiguration.of(name).setRoutingType(RoutingType.ANYCAST)
                    .setRingSize(BrokerLimits.DEAD_LETTER_RING));
        }
        return config;
    }

    private static TransportConfiguration amqpAcceptor(BrokerOptions options) throws Exception {
        // No large messages (see the STOMP acceptor): a message is received into memory whole.
        // No draining of a link's credit when a message on it is refused (full control queue,
        // oversized message): Artemis would then grant credit again only once the refusing address
        // has room, and a Qpid JMS client sends to every address over one link, so all its sends
        // would wait for that one queue.
        StringBuilder uri = new StringBuilder("tcp://").append(hostForUri(options.host())).append(':')
                .append(options.amqpPort())
                .append("?protocols=AMQP;amqpMinLargeMessageSize=-1;amqpDrainOnTransientDeliveryErrors=false");
        if (options.security() != null) {
            // No ANONYMOUS. SCRAM first: Artemis offers them in this order, and a client that
            // knows SCRAM proves the password without sending it.
            uri.append(";saslMechanisms=").append(String.join(",", SASL_MECHANISMS));
        }
        TransportConfiguration acceptor = ConfigurationUtils.parseAcceptorURI(AMQP_ACCEPTOR, uri.toString()).get(0);
        BrokerTls tls = options.tls();
        if (tls != null) {
            // Put into the parameters directly, not into the URI: a password may hold any of the
            // URI's separators, and Artemis masks parameters named *password* when it logs them.
            Map<String, Object> params = acceptor.getParams();
            params.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
            params.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, KEY_STORE_TYPE);
            params.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, tls.keyStore().toAbsolutePath().toString());
            params.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, tls.keyStorePassword());
        }
        return acceptor;
    }

    private static void secure(Configuration config, BrokerSecurity security) {
        config
                // Artemis' authentication cache is keyed by a hash of user name + password, with
                // a SCRAM login's missing password as the text "null": a cached SCRAM login of
                // alice would let "alice"/"null" (or "alicen"/"ull") in over STOMP or PLAIN. Every
                // login and permission check asks the in-memory login module instead, which is
                // cheap; the authorization cache (keyed by user and permission) stays.
                .setAuthenticationCacheSize(0)
                // The built-in cluster user may do anything with the default password "CHANGE ME!!".
                // This broker forms no cluster, so make that password unguessable.
                .setClusterPassword(randomSecret())
                // A wildcard address (e.g. a subscription to "#") would receive copies of messages
                // sent to every address it matches, while its permissions come from the rule that
                // matches the wildcard text itself; the testbed never subscribes with wildcards.
                .getWildcardConfiguration().setRoutingEnabled(false);
        for (BrokerSecurity.Rule rule : security.rules()) {
            Set<Role> roles = new HashSet<>();
            for (String role : rule.roles()) {
                roles.add(artemisRole(role, rule.permissionsOf(role)));
            }
            config.putSecurityRoles(rule.match(), roles);
        }
    }

    private static Role artemisRole(String name, Set<BrokerSecurity.Permission> granted) {
        return new Role(name,
                granted.contains(BrokerSecurity.Permission.SEND),
                granted.contains(BrokerSecurity.Permission.CONSUME),
                granted.contains(BrokerSecurity.Permission.CREATE_DURABLE_QUEUE),
                granted.contains(BrokerSecurity.Permission.DELETE_DURABLE_QUEUE),
                granted.contains(BrokerSecurity.Permission.CREATE_NON_DURABLE_QUEUE),
                granted.contains(BrokerSecurity.Permission.DELETE_NON_DURABLE_QUEUE),
                granted.contains(BrokerSecurity.Permission.MANAGE),
                granted.contains(BrokerSecurity.Permission.BROWSE),
                granted.contains(BrokerSecurity.Permission.CREATE_ADDRESS),
                granted.contains(BrokerSecurity.Permission.DELETE_ADDRESS),
                // view and edit are for the management console and JMX, both off here.
                false, false);
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Reads the key store first, so a wrong password is one sentence, not an acceptor that never starts. */
    private static void requireKeyStore(BrokerTls tls) {
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
            KeyStore store = KeyStore.getInstance(KEY_STORE_TYPE);
            store.load(in, tls.keyStorePassword().toCharArray());
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new ServiceUnavailableException("Cannot start the broker with TLS: the key store " + tls.keyStore()
                        + " holds no private key. Give a PKCS12 file with the broker's key and certificate chain");
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new ServiceUnavailableException("Cannot start the broker with TLS: the key store " + tls.keyStore()
                    + " cannot be read (" + e.getMessage() + "). Check that it is a PKCS12 file and its password is"
                    + " right", e);
        }
    }

    private static Map<String, Integer> ports(BrokerOptions options) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put(AMQP_ACCEPTOR, options.amqpPort());
        ports.put(STOMP_ACCEPTOR, options.stompPort());
        return ports;
    }

    private static void requirePortFree(String host, String protocol, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            // Same as Netty's acceptor: connections of a just-stopped broker in TIME_WAIT must not
            // count as "in use", a listening socket still does.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw portInUse(host, protocol, port, e);
        }
    }

    private static ServiceUnavailableException portInUse(String host, String protocol, int port, Throwable cause) {
        String key = AMQP_ACCEPTOR.equals(protocol) ? "amqp_port" : "stomp_port";
        return new ServiceUnavailableException("Cannot start the broker: " + host + ":" + port + " ("
                + protocol.toUpperCase(Locale.ROOT) + ") is already in use. Another broker is running?"
                + " Stop it, or set [broker] " + key + " to a free port", cause);
    }

    private static String hostForUri(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
