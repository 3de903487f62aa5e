package org.swf.testbed.agents.fastprocessing;

import java.lang.System.Logger.Level;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.swf.testbed.ConfigException;
import org.swf.testbed.agents.Agent;
import org.swf.testbed.agents.AgentMessage;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.ProcessingSummary;
import org.swf.testbed.protocol.RunEvent;
import org.swf.testbed.protocol.Slice;
import org.swf.testbed.protocol.SliceResult;
import org.swf.testbed.protocol.TfFileRegistered;

/**
 * The fast processing agent: cuts every registered TF file into slices for the workers and
 * keeps count of their answers.
 *
 * <p>Each {@code tf_file_registered} on {@code epictopic} becomes ceil(tf_count /
 * {@code num_tf_per_slice}) {@code slice} messages on the namespace's slice queue, where workers
 * compete for them; their {@code slice_result} answers come back on the namespace's results
 * queue. Per execution it counts TF files, slices created, and slices answered done or failed. At
 * {@code end_run} it logs and broadcasts a {@code processing_summary}; since on a virtual clock
 * TF files and answers can still arrive after {@code end_run}, it sends the summary again each
 * time all slices created so far have been answered.
 *
 * <p>Every slice is answered and counted once. At most {@link #DEFAULT_SLICES_IN_FLIGHT} slices
 * are on the queue or with the workers at a time; the rest wait here, in order, and go out as
 * answers come back. So the slice and results queues stay far below the broker's limit for a work
 * queue (beyond which it drops messages), however fast TF files come in: on a virtual clock a run
 * registers its TF files much faster than workers answer them. A slice that a worker received but
 * did not acknowledge (the worker died) is redelivered by the broker to another worker; an answer
 * to a slice that was answered already is ignored, and answers that say the slice was redelivered
 * are counted in the summary, so a run shows both that it happened and that nothing was counted
 * twice.
 *
 * <p>It reports PROCESSING from {@code start_run} (or {@code resume_run}) to {@code end_run}.
 */
public final class FastProcessingAgent implements Agent {

    /** The agent type the original fast processing agent reports. */
    public static final String AGENT_TYPE = "Fast_Processing";
    /** The testbed config table this agent reads its parameters from. */
    public static final String CONFIG_TABLE = "fast_processing";
    /** Time frames per slice unless {@code [fast_processing] num_tf_per_slice} says otherwise. */
    public static final int DEFAULT_NUM_TF_PER_SLICE = 2;
    /**
     * Slices sent and not yet answered, at most: about 4 MiB of messages on the broker, a quarter
     * of its limit for a work queue, and enough to keep any number of workers busy.
     */
    public static final int DEFAULT_SLICES_IN_FLIGHT = 4_000;

    private static final System.Logger LOG = System.getLogger(FastProcessingAgent.class.getName());
    /** Counts of this many executions are kept; older ones are forgotten so memory stays bounded. */
    private static final int EXECUTIONS_KEPT = 64;
    private static final DateTimeFormatter UTC_ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    private final int numTfPerSlice;
    private final int slicesInFlight;
    private final JsonCodec codec;
    /** Slices made and not yet sent, oldest first; guarded by the lock on {@link #executions}. */
    private final Deque<Slice> waiting = new ArrayDeque<>();
    /** The keys of slices sent and not yet answered; guarded by the lock on {@link #executions}. */
    private final Set<String> inFlight = new HashSet<>();
    private final Map<String, Counts> executions = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Counts> eldest) {
            return size() > EXECUTIONS_KEPT;
        }
    };

    /**
     * @param numTfPerSlice time frames per slice, at least 1
     * @param codec decodes incoming messages
     */
    public FastProcessingAgent(int numTfPerSlice, JsonCodec codec) {
        this(numTfPerSlice, DEFAULT_SLICES_IN_FLIGHT, codec);
    }

    /**
     * @param numTfPerSlice time frames per slice, at least 1
     * @param slicesInFlight slices sent and not yet answered, at most; at least 1
     * @param codec decodes incoming messages
     */
    public FastProcessingAgent(int numTfPerSlice, int slicesInFlight, JsonCodec codec) {
        if (numTfPerSlice < 1) {
            throw new IllegalArgumentException("num_tf_per_slice must be at least 1, not " + numTfPerSlice);
        }
        if (slicesInFlight < 1) {
            throw new IllegalArgumentException("slices in flight must be at least 1, not " + slicesInFlight);
        }
        this.numTfPerSlice = numTfPerSlice;
        this.slicesInFlight = slicesInFlight;
        this.codec = codec;
    }

    /**
     * Reads {@code num_tf_per_slice} from the {@code [fast_processing]} table of a testbed config.
     *
     * @param table the table's keys, empty when the config has none
     * @param source the config file, for error messages
     * @return the agent
     * @throws ConfigException when {@code num_tf_per_slice} is not a whole number of at least 1
     */
    public static FastProcessingAgent fromConfig(Map<String, Object> table, String source) {
        Object value = table.get("num_tf_per_slice");
        if (value == null) {
            return new FastProcessingAgent(DEFAULT_NUM_TF_PER_SLICE, new JsonCodec());
        }
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                && number.doubleValue() >= 1 && number.doubleValue() <= Integer.MAX_VALUE) {
            return new FastProcessingAgent(number.intValue(), new JsonCodec());
        }
        throw new ConfigException(source + ": [" + CONFIG_TABLE + "] num_tf_per_slice = " + value
                + " is not a whole number of at least 1. Set it to the time frames per slice, e.g. 2");
    }

    /** @return time frames per slice */
    public int numTfPerSlice() {
        return numTfPerSlice;
    }

    @Override
    public String agentType() {
        return AGENT_TYPE;
    }

    @Override
    public List<Destination> subscriptions(String namespace) {
        return List.of(Destinations.EPICTOPIC, Destinations.sliceResults(namespace));
    }

    /** An answer that comes twice is counted once. */
    @Override
    public boolean idempotent(Destination destination, String namespace) {
        return destination.equals(Destinations.sliceResults(namespace));
    }

    @Override
    public void handle(AgentMessage message, AgentRuntime runtime) {
        MessageType type = message.type().orElse(null);
        if (type == null) {
            return;
        }
        switch (type) {
            case START_RUN, RESUME_RUN -> runtime.setState(OperationalState.PROCESSING);
            case END_RUN -> endRun(message, runtime);
            case TF_FILE_REGISTERED -> tfFileRegistered(message, runtime);
            case SLICE_RESULT -> sliceResult(message, runtime);
            default -> {
                // Other broadcasts are not for this agent.
            }
        }
    }

    /**
     * @param executionId an execution
     * @return what this agent counted for it so far, if it saw it
     */
    public Optional<ProcessingSummary> summary(String executionId) {
        synchronized (executions) {
            Counts counts = executions.get(executionId);
            return counts == null ? Optional.empty() : Optional.of(counts.summary(null, null, null));
        }
    }

    private void tfFileRegistered(AgentMessage message, AgentRuntime runtime) {
        TfFileRegistered tf;
        try {
            tf = codec.convert(message.fields(), TfFileRegistered.class);
        } catch (MalformedMessageException e) {
            LOG.log(Level.WARNING, "Ignored an unreadable tf_file_registered: {0}", e.getMessage());
            return;
        }
        Integer first = tf.tfFirst();
        Integer last = tf.tfLast();
        if (first == null || last == null) {
            // A TF file that only says how many time frames it holds is taken to start at 1.
            if (tf.tfCount() == null || tf.tfCount() < 1) {
                LOG.log(Level.WARNING, "Ignored TF file {0}: it names neither tf_first/tf_last nor tf_count",
                        tf.tfFilename());
                return;
            }
            first = 1;
            last = tf.tfCount();
        }
        List<Slice> slices = slices(tf, first, last, runtime);
        List<Slice> sendable;
        synchronized (executions) {
            Counts counts = counts(tf.executionId(), tf.runId());
            counts.tfFiles++;
            // Counted before sending, so an answer can never be counted before its slice.
            counts.created += slices.size();
            waiting.addAll(slices);
            sendable = sendable();
        }
        send(sendable, runtime);
        LOG.log(Level.DEBUG, "TF file {0} (TFs {1}-{2}): {3} slices queued", tf.tfFilename(), first, last,
                slices.size());
    }

    /** Takes the waiting slices that fit in flight now. Must hold the lock on {@link #executions}. */
    private List<Slice> sendable() {
        if (waiting.isEmpty() || inFlight.size() >= slicesInFlight) {
            return List.of();
        }
        List<Slice> sendable = new ArrayList<>(Math.min(waiting.size(), slicesInFlight - inFlight.size()));
        while (!waiting.isEmpty() && inFlight.size() < slicesInFlight) {
            Slice slice = waiting.poll();
            inFlight.add(slice.content().reqId());
            sendable.add(slice);
        }
        return sendable;
    }

    private static void send(List<Slice> slices, AgentRuntime runtime) {
        for (Slice slice : slices) {
            runtime.send(Destinations.sliceQueue(runtime.identity().namespace()), slice);
        }
    }

    private List<Slice> slices(TfFileRegistered tf, int first, int last, AgentRuntime runtime) {
        String namespace = runtime.identity().namespace();
        String createdAt = LocalDateTime.now(ZoneOffset.UTC).format(UTC_ISO);
        String name = tf.tfFilename();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        List<Slice> slices = new ArrayList<>();
        int sliceId = 0;
        for (int start = first; start <= last; start += numTfPerSlice, sliceId++) {
            int end = (int) Math.min((long) start + numTfPerSlice - 1, last);
            Slice.Content content = new Slice.Content(tf.runId(), tf.executionId(), UUID.randomUUID().toString(),
                    tf.stfFilename(), String.format("%s_slice_%03d.tf", base, sliceId), sliceId, start, end,
                    end - start + 1, Slice.QUEUED, Slice.NEW);
            slices.add(new Slice(MessageType.SLICE.wireName(), namespace, tf.runId(), tf.executionId(), createdAt,
                    content, runtime.identity().instanceName()));
            if (end == last) {
                break;
            }
        }
        return slices;
    }

    private void sliceResult(AgentMessage message, AgentRuntime runtime) {
        SliceResult result;
        try {
            result = codec.convert(message.fields(), SliceResult.class);
        } catch (MalformedMessageException e) {
            LOG.log(Level.WARNING, "Ignored an unreadable slice_result: {0}", e.getMessage());
            return;
        }
        ProcessingSummary summary = null;
        List<Slice> sendable;
        synchronized (executions) {
            Counts counts = counts(result.executionId(), result.runId());
            String key = result.sliceKey();
            // An answer without any slice key (not ours, nor the original's) cannot be matched, so
            // it is counted as it comes.
            if (key != null && !counts.answered.add(key)) {
                counts.duplicates++;
                LOG.log(Level.DEBUG, "Slice {0} was answered again (by {1}); counted once", result.tfFilename(),
                        result.processedBy());
                return;
            }
            if ((key == null || !inFlight.remove(key)) && !inFlight.isEmpty()) {
                // A new answer that names its slice otherwise (an original worker's) still frees a
                // place, or such workers would stall the run once the places are taken.
                Iterator<String> any = inFlight.iterator();
                any.next();
                any.remove();
            }
            if (result.done()) {
                counts.completed++;
            } else {
                counts.failed++;
            }
            if (Boolean.TRUE.equals(result.redelivered())) {
                counts.redelivered++;
            }
            sendable = sendable();
            if (counts.ended && counts.completed + counts.failed == counts.created) {
                summary = counts.summary(runtime.identity().namespace(), runtime.timestamp(),
                        runtime.identity().instanceName());
            }
        }
        send(sendable, runtime);
        if (summary != null) {
            LOG.log(Level.INFO, "All slices of {0} answered: {1}", summary.executionId(), describe(summary));
            runtime.send(Destinations.EPICTOPIC, summary);
        }
    }

    private void endRun(AgentMessage message, AgentRuntime runtime) {
        runtime.setState(OperationalState.READY);
        RunEvent end;
        try {
            end = codec.convert(message.fields(), RunEvent.class);
        } catch (MalformedMessageException e) {
            LOG.log(Level.WARNING, "Unreadable end_run, no summary: {0}", e.getMessage());
            return;
        }
        ProcessingSummary summary;
        synchronized (executions) {
            Counts counts = counts(end.executionId(), end.runId());
            counts.ended = true;
            summary = counts.summary(runtime.identity().namespace(), runtime.timestamp(),
                    runtime.identity().instanceName());
        }
        LOG.log(Level.INFO, "Run {0} ({1}) ended: {2}", summary.runId(), summary.executionId(), describe(summary));
        runtime.send(Destinations.EPICTOPIC, summary);
    }

    /** Must hold the lock on {@link #executions}. */
    private Counts counts(String executionId, String runId) {
        // Messages of the original agents may lack execution_id; the run then identifies them.
        String key = executionId != null ? executionId : "run " + runId;
        return executions.computeIfAbsent(key, k -> new Counts(executionId, runId));
    }

    private static String describe(ProcessingSummary summary) {
        return summary.tfFilesReceived() + " TF files, slices created " + summary.slicesCreated() + ", completed "
                + summary.slicesCompleted() + ", failed " + summary.slicesFailed() + ", outstanding "
                + (summary.slicesCreated() - summary.slicesCompleted() - summary.slicesFailed()) + ", redelivered "
                + summary.slicesRedelivered() + ", answered twice " + summary.duplicateAnswers();
    }

    /** What one execution produced so far; guarded by the lock on {@link #executions}. */
    private static final class Counts {
        private final String executionId;
        private final String runId;
        private long tfFiles;
        private long created;
        private long completed;
        private long failed;
        private long redelivered;
        private long duplicates;
        private boolean ended;
        /** The keys of the slices answered so far, so that a second answer is not counted. */
        private final Set<String> answered = new HashSet<>();

        Counts(String executionId, String runId) {
            this.executionId = executionId;
            this.runId = runId;
        }

        ProcessingSummary summary(String namespace, String timestamp, String sender) {
            return new ProcessingSummary(ProcessingSummary.MSG_TYPE, namespace, runId, executionId, tfFiles, created,
                    completed, failed, ended, redelivered, duplicates, timestamp, sender);
        }
    }
}
