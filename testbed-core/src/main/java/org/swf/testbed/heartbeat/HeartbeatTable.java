package org.swf.testbed.heartbeat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.status.AgentLiveness;

/**
 * The agents' heartbeats as a status answer needs them: one entry per program, the newest by
 * receive time, and only instances that are still alive.
 *
 * <p>Every restart of a program (supervisord after a crash, every {@code testbed run}) starts a
 * new instance with a new instance name. Keyed by instance, a table grows with every restart,
 * and the program's state depends on which of its instances happens to win, which may be an old
 * one's EXITED beside the new one's READY. So the key is the program (within its namespace), the
 * entry is the heartbeat received last, and once an instance is replaced by a newer one its late
 * heartbeats (still in flight when the new one started) are ignored. A heartbeat of an instance
 * never seen before is also ignored when its sender stamped it earlier than the entry it would
 * replace, on the same host, so one that was in flight from before the restart cannot win either.
 *
 * <p>Instances that are gone are forgotten: an EXITED one as soon as a newer instance of its
 * program reports, any instance once it has been silent for {@link #SILENT_INTERVALS} heartbeat
 * intervals. The table therefore holds, per program, its current instance and at most {@link
 * #REPLACED_PER_PROGRAM} replaced ones that still talk, however often programs restart.
 *
 * <p>A heartbeat without a program (an original agent that does not say which supervisord program
 * runs it) is its own entry, keyed by instance, and forgotten the same way. Thread-safe.
 */
public final class HeartbeatTable {

    /**
     * How many heartbeat intervals an instance may be silent before it is forgotten: one missed
     * heartbeat is a delay, several mean the process is gone or wedged.
     */
    public static final int SILENT_INTERVALS = 3;

    /**
     * How many replaced instances per program are remembered so that their late heartbeats are
     * ignored. More than one program restarts within a few heartbeat intervals is a crash loop,
     * which supervisord reports anyway.
     */
    public static final int REPLACED_PER_PROGRAM = 8;

    private final Duration forgetAfter;
    private final InstantSource clock;
    private final Map<Key, Slot> slots = new HashMap<>();

    /**
     * @param forgetAfter how long an instance may be silent before it is forgotten
     * @param clock the time heartbeats are received at
     */
    public HeartbeatTable(Duration forgetAfter, InstantSource clock) {
        if (forgetAfter == null || forgetAfter.isNegative() || forgetAfter.isZero()) {
            throw new IllegalArgumentException("forgetAfter must be positive, not " + forgetAfter);
        }
        this.forgetAfter = forgetAfter;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param heartbeatInterval how often the agents send a heartbeat
     * @return a table on the system clock that forgets instances silent for {@link
     *     #SILENT_INTERVALS} intervals
     */
    public static HeartbeatTable forInterval(Duration heartbeatInterval) {
        return new HeartbeatTable(heartbeatInterval.multipliedBy(SILENT_INTERVALS), InstantSource.system());
    }

    /**
     * Records a heartbeat received now.
     *
     * @param heartbeat the heartbeat
     * @return whether it is now its program's entry; false when it came from a replaced (older)
     *     instance and was ignored
     */
    public synchronized boolean record(Heartbeat heartbeat) {
        Instant now = clock.instant();
        forgetSilent(now);
        Slot slot = slots.computeIfAbsent(Key.of(heartbeat), key -> new Slot());
        String instance = heartbeat.instanceName();
        if (slot.replaced.containsKey(instance)) {
            slot.replaced.put(instance, now);
            return false;
        }
        Seen current = slot.current;
        if (current != null && !current.instanceName().equals(instance)) {
            if (sentEarlier(heartbeat, current.heartbeat())) {
                slot.replace(instance, now);
                return false;
            }
            // An EXITED instance has sent its last heartbeat: nothing of it can arrive late.
            if (current.heartbeat().operationalState() != OperationalState.EXITED) {
                slot.replace(current.instanceName(), current.receivedAt());
            }
        }
        slot.current = new Seen(heartbeat, now);
        return true;
    }

    /** @return every program's newest heartbeat (and those of program-less instances), by namespace and name */
    public synchronized List<Seen> current() {
        forgetSilent(clock.instant());
        List<Seen> current = new ArrayList<>();
        slots.values().forEach(slot -> {
            if (slot.current != null) {
                current.add(slot.current);
            }
        });
        current.sort(Comparator.comparing((Seen seen) -> String.valueOf(seen.heartbeat().namespace()))
                .thenComparing(seen -> String.valueOf(seen.heartbeat().program()))
                .thenComparing(Seen::instanceName));
        return current;
    }

    /**
     * @param namespace the program's namespace
     * @param program a supervisord program name
     * @return its newest heartbeat, if one of a live instance is known
     */
    public synchronized Optional<Seen> current(String namespace, String program) {
        forgetSilent(clock.instant());
        Slot slot = slots.get(new Key(namespace, program, null));
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.current);
    }

    /**
     * @return the agents as their newest heartbeats show them now, one per program, by namespace
     *     and name
     */
    public List<AgentLiveness> liveness() {
        Instant now = clock.instant();
        return current().stream().map(seen -> seen.liveness(now)).toList();
    }

    /** @return how many instances the table remembers, current and replaced: what bounds its size */
    public synchronized int size() {
        forgetSilent(clock.instant());
        return slots.values().stream().mapToInt(slot -> (slot.current == null ? 0 : 1) + slot.replaced.size()).sum();
    }

    /**
     * The same rule as the table's, for agents reported by someone else (e.g. a runner's status
     * answer, which may list several instances of one program): the most recent heartbeat wins;
     * of two equally old ones (ages are whole seconds), the one that is not EXITED, because an
     * old instance exits just before its replacement starts.
     *
     * @param agents agents with their heartbeat ages
     * @return per program, the agent with the newest heartbeat; agents without a program are left out
     */
    public static Map<String, AgentLiveness> newestByProgram(Collection<AgentLiveness> agents) {
        Map<String, AgentLiveness> newest = new LinkedHashMap<>();
        for (AgentLiveness agent : agents) {
            if (agent.program() != null) {
                newest.merge(agent.program(), agent, (kept, other) -> newer(other, kept) ? other : kept);
            }
        }
        return newest;
    }

    private static boolean newer(AgentLiveness candidate, AgentLiveness than) {
        if (candidate.secondsSinceHeartbeat() != than.secondsSinceHeartbeat()) {
            return candidate.secondsSinceHeartbeat() < than.secondsSinceHeartbeat();
        }
        return OperationalState.EXITED.name().equals(than.operationalState())
                && !OperationalState.EXITED.name().equals(candidate.operationalState());
    }

    /**
     * Sender timestamps are local times without a zone, comparable only between processes of one
     * host; a heartbeat whose time cannot be read is not judged by it.
     */
    private static boolean sentEarlier(Heartbeat candidate, Heartbeat than) {
        if (candidate.hostname() == null || !candidate.hostname().equals(than.hostname())) {
            return false;
        }
        Optional<LocalDateTime> sent = sentAt(candidate);
        Optional<LocalDateTime> otherSent = sentAt(than);
        return sent.isPresent() && otherSent.isPresent() && sent.get().isBefore(otherSent.get());
    }

    private static Optional<LocalDateTime> sentAt(Heartbeat heartbeat) {
        if (heartbeat.timestamp() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(heartbeat.timestamp()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private void forgetSilent(Instant now) {
        Instant horizon = now.minus(forgetAfter);
        for (Iterator<Slot> slotIterator = slots.values().iterator(); slotIterator.hasNext();) {
            Slot slot = slotIterator.next();
            if (slot.current != null && slot.current.receivedAt().isBefore(horizon)) {
                slot.current = null;
            }
            slot.replaced.values().removeIf(lastHeard -> lastHeard.isBefore(horizon));
            if (slot.current == null && slot.replaced.isEmpty()) {
                slotIterator.remove();
            }
        }
    }

    /**
     * A heartbeat and when it arrived.
     *
     * @param heartbeat the heartbeat
     * @param receivedAt when this process received it
     */
    public record Seen(Heartbeat heartbeat, Instant receivedAt) {

        /** Requires both. */
        public Seen {
            Objects.requireNonNull(heartbeat, "heartbeat");
            Objects.requireNonNull(receivedAt, "receivedAt");
        }

        /** @return the sending instance */
        public String instanceName() {
            return heartbeat.instanceName();
        }

        /**
         * @param now the time to measure the heartbeat's age against
         * @return the agent as this heartbeat shows it
         */
        public AgentLiveness liveness(Instant now) {
            return new AgentLiveness(heartbeat.instanceName(), heartbeat.agentType(), heartbeat.program(),
                    heartbeat.pid(), heartbeat.operationalState().name(), heartbeat.status(), heartbeat.mqConnected(),
                    Math.max(0, Duration.between(receivedAt, now).toSeconds()));
        }
    }

    /** A program of a namespace, or an instance when the heartbeat names no program. */
    private record Key(String namespace, String program, String instance) {

        static Key of(Heartbeat heartbeat) {
            return heartbeat.program() == null ? new Key(heartbeat.namespace(), null, heartbeat.instanceName())
                    : new Key(heartbeat.namespace(), heartbeat.program(), null);
        }
    }

    private static final class Slot {

        Seen current;
        /** Replaced instances that may still talk, with when each was last heard, oldest first. */
        final LinkedHashMap<String, Instant> replaced = new LinkedHashMap<>();

        void replace(String instance, Instant lastHeard) {
            replaced.put(instance, lastHeard);
            if (replaced.size() > REPLACED_PER_PROGRAM) {
                Iterator<String> oldest = replaced.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
    }
}
