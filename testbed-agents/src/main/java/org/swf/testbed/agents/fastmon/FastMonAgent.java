package org.swf.testbed.agents.fastmon;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.swf.testbed.agents.RunFollowingAgent;
import org.swf.testbed.agents.AgentMessage;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.StfReady;
import org.swf.testbed.protocol.TfFileRegistered;

/**
 * The fastmon agent: samples every new STF into TF files for fast monitoring. Each
 * {@code stf_ready} becomes {@value #TF_FILES_PER_STF} {@code tf_file_registered} on
 * {@code epictopic}, with the original fastmon agent's fields.
 *
 * <p>The STF's time frames ({@code tf_count} from the message, {@value #TF_COUNT_PER_STF} when it
 * has none, numbered from 1) are split into {@value #TF_FILES_PER_STF} equal partitions; each TF
 * file is a contiguous block of about {@value #TF_SIZE_FRACTION} of its partition (gaussian,
 * &plusmn;10 %), placed at random inside it. The original draws from Python's global random
 * generator; we seed a generator with the STF file name so that a run can be reproduced and a
 * test can check the result.
 *
 * <p>It reports PROCESSING while a run is on (between {@code start_run} and {@code end_run}).
 */
public final class FastMonAgent extends RunFollowingAgent {

    /** The agent type the original fastmon agent reports. */
    public static final String AGENT_TYPE = "fastmon";
    /** TF files sampled from each STF, as the original hard-codes. */
    public static final int TF_FILES_PER_STF = 7;
    /** Share of a partition's time frames in its TF file, as the original hard-codes. */
    public static final double TF_SIZE_FRACTION = 0.15;
    /** Time frames in an STF whose {@code stf_ready} does not say. */
    public static final int TF_COUNT_PER_STF = 1000;
    /** Number of the first time frame (and of the first TF file), as in the original. */
    static final int TF_SEQUENCE_START = 1;
    /**
     * Size of one time frame when the STF's size is unknown, which it is in simulation (the data
     * agent's {@code size_bytes} is null): a nominal value, so that sizes stay proportional.
     */
    static final long NOMINAL_TF_BYTES = 1_000_000L;
    /** Spread of the block size around {@link #TF_SIZE_FRACTION}, relative. */
    private static final double SIZE_SPREAD = 0.1;

    private static final System.Logger LOG = System.getLogger(FastMonAgent.class.getName());

    private final JsonCodec codec;

    /** A fastmon agent with its own JSON codec. */
    public FastMonAgent() {
        this(new JsonCodec());
    }

    /** @param codec decodes incoming messages */
    public FastMonAgent(JsonCodec codec) {
        super(MessageType.STF_READY);
        this.codec = codec;
    }

    @Override
    public String agentType() {
        return AGENT_TYPE;
    }



    @Override
    protected void work(AgentMessage message, AgentRuntime runtime) {
        StfReady stf;
        try {
            stf = codec.convert(message.fields(), StfReady.class);
        } catch (MalformedMessageException e) {
            LOG.log(Level.WARNING, "Ignored an unreadable stf_ready: {0}", e.getMessage());
            return;
        }
        int tfCount = message.fields().get("tf_count") instanceof Number number && number.intValue() > 0
                ? number.intValue() : TF_COUNT_PER_STF;
        String namespace = runtime.identity().namespace();
        String agentName = runtime.identity().instanceName();
        for (TfRange range : sample(stf.filename(), tfCount)) {
            long size = stf.sizeBytes() != null && stf.sizeBytes() > 0
                    ? Math.round((double) stf.sizeBytes() * range.count() / tfCount)
                    : range.count() * NOMINAL_TF_BYTES;
            String tfFileId = UUID.nameUUIDFromBytes((namespace + "/" + range.filename())
                    .getBytes(StandardCharsets.UTF_8)).toString();
            runtime.send(Destinations.EPICTOPIC, new TfFileRegistered(MessageType.TF_FILE_REGISTERED.wireName(),
                    namespace, stf.runId(), stf.executionId(), agentName, tfFileId, range.filename(), range.first(),
                    range.last(), range.count(), size, stf.filename(), TfFileRegistered.REGISTERED,
                    runtime.timestamp(), agentName));
        }
    }

    /**
     * Chooses the TF files of one STF; the same STF name always gives the same files.
     *
     * @param stfFilename the STF, e.g. {@code swf.100010.000001.stf}
     * @param tfCount how many time frames it holds
     * @return one range per partition, at most {@link #TF_FILES_PER_STF} (fewer only when the STF
     *     has fewer time frames than that)
     */
    static List<TfRange> sample(String stfFilename, int tfCount) {
        Random random = new Random(UUID.nameUUIDFromBytes(stfFilename.getBytes(StandardCharsets.UTF_8))
                .getMostSignificantBits());
        int dot = stfFilename.lastIndexOf('.');
        String base = dot > 0 ? stfFilename.substring(0, dot) : stfFilename;
        int files = Math.min(TF_FILES_PER_STF, tfCount);
        List<TfRange> ranges = new ArrayList<>(files);
        for (int i = 0; i < files; i++) {
            int partitionFirst = TF_SEQUENCE_START + (int) ((long) tfCount * i / files);
            int partitionSize = TF_SEQUENCE_START + (int) ((long) tfCount * (i + 1) / files) - partitionFirst;
            double factor = Math.max(0.0, 1.0 + SIZE_SPREAD * random.nextGaussian());
            int size = (int) Math.round(partitionSize * TF_SIZE_FRACTION * factor);
            size = Math.max(1, Math.min(partitionSize, size));
            int first = partitionFirst + random.nextInt(partitionSize - size + 1);
            String filename = String.format("%s_tf_%03d.tf", base, TF_SEQUENCE_START + i);
            ranges.add(new TfRange(filename, first, first + size - 1));
        }
        return ranges;
    }

    /**
     * One TF file: a contiguous block of time frames.
     *
     * @param filename the TF file name
     * @param first the first time frame (inclusive)
     * @param last the last time frame (inclusive)
     */
    record TfRange(String filename, int first, int last) {

        /** @return how many time frames the file holds */
        int count() {
            return last - first + 1;
        }
    }
}
