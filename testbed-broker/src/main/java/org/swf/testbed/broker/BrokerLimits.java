package org.swf.testbed.broker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.PageFullMessagePolicy;
import org.swf.testbed.protocol.Destinations;

/**
 * How much the embedded broker holds: per address, in all, and per message.
 *
 * <p>Without limits one queue that nobody consumes (slices with no worker, a reply queue whose
 * sender is gone) grows until the broker's global limit, and from then on every address refuses
 * messages, heartbeats and control commands included; and one huge message takes down the agent
 * that consumes it, again after every restart, since it is redelivered. So:
 * <ul>
 *   <li>every address has a limit of its own, small enough that several full addresses stay far
 *       below the global limit, and a policy for when it is full that never holds up a producer:
 *       a full control queue refuses the next command (its sender gets an error at once), every
 *       other address drops the next message (a full work queue keeps its oldest work, a later
 *       heartbeat or broadcast supersedes a dropped one), and each subscriber of the topics keeps
 *       only its newest messages (a ring), so one stuck subscriber cannot fill the address for
 *       the others;</li>
 *   <li>the broker refuses a message larger than {@link #MAX_MESSAGE_BYTES}, as an error for its
 *       sender, so no consumer ever receives one; a STOMP frame is cut off at the acceptor as soon
 *       as it passes that size, before the broker has buffered it.</li>
 * </ul>
 * The figures are documented in {@code docs/operations.md} ("Broker limits").
 *
 * <p>Why refusing is kept to control queues: Artemis stops granting AMQP credit to a link while
 * the address it last sent to is full and refuses, and a Qpid JMS client sends everything over one
 * anonymous link; so a long-lived client (an agent, the agent manager, the MCP server) refused by
 * a full work or reply queue would stop sending altogether, heartbeats and replies included, until
 * that queue drained. A dropping address never holds credit back. Control queues are sent to by
 * short-lived command-line clients, and by the MCP server one command at a time: for them an
 * immediate error beats a reply timeout. (The acceptor also does not drain a link's credit when
 * it refuses a message; see {@link EmbeddedBroker}.)
 */
public final class BrokerLimits {

    private static final long MIB = 1024L * 1024;

    /**
     * The largest message the broker takes, counted on the wire: an AMQP message's whole encoding,
     * a STOMP frame's body: 2 MiB. Twice the largest message the testbed sends itself (the agent
     * manager's reply to {@code logs} carries at most 1 MiB of log), and small beside an agent's
     * 256 MiB heap, which holds up to ten prefetched queue messages at a time.
     */
    public static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    /** The longest header section (command line and headers) of a STOMP frame: 64 KiB. */
    public static final int MAX_STOMP_HEADER_BYTES = 64 * 1024;

    /** Subscribers of {@code epictopic} that fall further behind lose their oldest broadcasts. */
    static final long BROADCAST_RING = 5_000;
    /** Subscribers of the heartbeat topic that fall further behind lose their oldest heartbeats. */
    static final long HEARTBEAT_RING = 1_000;
    /** The dead-letter and expiry queues keep their newest entries only: nobody consumes them. */
    static final long DEAD_LETTER_RING = 1_000;

    /** A destination name part that no real name has, turned into a wildcard for address matches. */
    private static final String ANY = "__testbed_any__";

    private BrokerLimits() {
    }

    /**
     * The limit on all messages the broker holds together. Reaching it makes every address apply
     * its full policy at once, so the per-address limits are chosen to stay well below it.
     *
     * @param maxHeapBytes the broker JVM's maximum heap
     * @return half of it, as Artemis' own default (about 250 MiB for the supervised broker's
     *     {@code -Xmx512m})
     */
    public static long globalMaxBytes(long maxHeapBytes) {
        if (maxHeapBytes <= 0) {
            throw new IllegalArgumentException("The broker's maximum heap must be positive, got " + maxHeapBytes);
        }
        return maxHeapBytes / 2;
    }

    /**
     * The kinds of address the testbed uses, each with its limit and what happens when it is full.
     * The policy differs with persistence: only a broker with a journal can page to disk.
     */
    enum AddressKind {
        /**
         * The agent manager's and the runners' command queues: small messages, and a command that
         * cannot be queued is an error its sender must see at once. (Artemis allows {@code #} only
         * at the end of a match, so the queue of a user name with a dot in it counts as OTHER, which
         * differs only in its size.)
         */
        CONTROL(4 * MIB, AddressFullMessagePolicy.FAIL, AddressFullMessagePolicy.FAIL, 0, -1,
                wildcard(Destinations.agentManagerControl(ANY).name(), "*"),
                wildcard(Destinations.workflowControl(ANY).name(), "#")),
        /**
         * Work queues (TF slices and their results): a queue without workers keeps its oldest
         * 16 MiB of work and drops the rest, instead of the broker running out of memory (Artemis
         * logs the first drop). With a journal the queue pages to disk first, up to 256 MiB, and
         * then refuses.
         */
        WORK(16 * MIB, AddressFullMessagePolicy.DROP, AddressFullMessagePolicy.PAGE, 256 * MIB, -1,
                wildcard(Destinations.sliceQueue(ANY).name(), "#"),
                wildcard(Destinations.sliceResults(ANY).name(), "#")),
        /** {@code epictopic}: broadcasts, sent fire-and-forget; a subscriber keeps its newest 5,000. */
        BROADCAST(16 * MIB, AddressFullMessagePolicy.DROP, AddressFullMessagePolicy.DROP, 0, BROADCAST_RING,
                Destinations.EPICTOPIC.name()),
        /** The heartbeat topic: the next heartbeat supersedes a dropped one; a subscriber keeps its newest 1,000. */
        HEARTBEAT(8 * MIB, AddressFullMessagePolicy.DROP, AddressFullMessagePolicy.DROP, 0, HEARTBEAT_RING,
                Destinations.HEARTBEATS.name()),
        /** Where undeliverable and expired messages go; nobody consumes them, so the newest 1,000 stay. */
        DEAD_LETTER(8 * MIB, AddressFullMessagePolicy.DROP, AddressFullMessagePolicy.DROP, 0, DEAD_LETTER_RING,
                EmbeddedBroker.DEAD_LETTER, EmbeddedBroker.EXPIRED),
        /**
         * Everything else: temporary reply queues (a reply nobody reads any more is dropped), the
         * queues and topics of agents of one's own. With a journal a full one pages to disk first,
         * up to 64 MiB, and then refuses.
         */
        OTHER(8 * MIB, AddressFullMessagePolicy.DROP, AddressFullMessagePolicy.PAGE, 64 * MIB, -1, "#");

        private final long maxSizeBytes;
        private final AddressFullMessagePolicy inMemory;
        private final AddressFullMessagePolicy withJournal;
        private final long pageLimitBytes;
        private final long ringSize;
        private final List<String> matches;

        AddressKind(long maxSizeBytes, AddressFullMessagePolicy inMemory, AddressFullMessagePolicy withJournal,
                long pageLimitBytes, long ringSize, String... matches) {
            this.maxSizeBytes = maxSizeBytes;
            this.inMemory = inMemory;
            this.withJournal = withJournal;
            this.pageLimitBytes = pageLimitBytes;
            this.ringSize = ringSize;
            this.matches = List.of(matches);
        }

        /** @return the Artemis address matches of this kind */
        List<String> matches() {
            return matches;
        }

        /** @return how many bytes of messages an address of this kind holds in memory */
        long maxSizeBytes() {
            return maxSizeBytes;
        }

        /**
         * @param persistent whether the broker has a journal
         * @return what a full address of this kind does with the next message
         */
        AddressFullMessagePolicy policy(boolean persistent) {
            return persistent ? withJournal : inMemory;
        }

        /**
         * @param persistent whether the broker has a journal
         * @return how many bytes a paging address of this kind may write to disk; 0 when it does
         *     not page
         */
        long pageLimitBytes(boolean persistent) {
            return policy(persistent) == AddressFullMessagePolicy.PAGE ? pageLimitBytes : 0;
        }

        /** @return how many messages each queue of this kind keeps at most, the oldest going first; -1 for no ring */
        long ringSize() {
            return ringSize;
        }

        /**
         * The settings of this kind alone. Artemis fills what they leave unset from the less
         * specific matches, down to {@code #}, which carries what every address shares.
         *
         * @param persistent whether the broker has a journal
         * @return the Artemis address settings
         */
        AddressSettings settings(boolean persistent) {
            AddressSettings settings = new AddressSettings()
                    .setMaxSizeBytes(maxSizeBytes)
                    .setAddressFullMessagePolicy(policy(persistent));
            if (pageLimitBytes(persistent) > 0) {
                settings.setPageLimitBytes(pageLimitBytes(persistent))
                        .setPageFullMessagePolicy(PageFullMessagePolicy.FAIL);
            }
            if (ringSize > 0) {
                // Applies to the queues Artemis creates on the address, i.e. each subscription.
                settings.setDefaultRingSize(ringSize);
            }
            return settings;
        }
    }

    /**
     * @param persistent whether the broker has a journal
     * @param shared what every address has besides its limits (auto-creation, dead-letter and
     *     expiry addresses); goes to the catch-all {@code #}
     * @return the address settings of every kind, by match
     */
    static Map<String, AddressSettings> addressSettings(boolean persistent, AddressSettings shared) {
        Map<String, AddressSettings> byMatch = new LinkedHashMap<>();
        for (AddressKind kind : AddressKind.values()) {
            for (String match : kind.matches()) {
                // One instance per match: Artemis keeps and merges what it is given.
                AddressSettings settings = kind.settings(persistent);
                if (kind == AddressKind.OTHER) {
                    settings.merge(shared);
                }
                byMatch.put(match, settings);
            }
        }
        return byMatch;
    }

    /** Turns a destination name made with {@link #ANY} into an address match. */
    private static String wildcard(String name, String words) {
        return name.replace(ANY, words);
    }
}
