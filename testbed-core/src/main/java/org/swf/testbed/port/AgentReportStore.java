package org.swf.testbed.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps what agents report to the monitor API (agent ids, subscribers, runs, STF files, log
 * records) beside the execution records, so that agents written for the original swf-monitor
 * lose nothing under a testbed without one. Shared by every process of a testbed home: agent ids
 * are allocated atomically across processes, like run numbers.
 */
public interface AgentReportStore {

    /** @return the next agent id; ids start at 1 and are never handed out twice */
    long nextAgentId();

    /**
     * @param name the subscriber's unique name
     * @param description what it subscribes to, for people
     * @return true when it was added, false when a subscriber of that name exists already
     */
    boolean addSubscriber(String name, String description);

    /**
     * @param runNumber the run number (the {@code run_id} of the workflow's messages, as a number)
     * @param startTime when the agent says it started, as it sent it
     * @param conditions the run's conditions, as sent
     * @return the new run, or empty when a run of that number exists already
     */
    Optional<ReportedRun> addRun(long runNumber, String startTime, Map<String, Object> conditions);

    /**
     * @param runId the run's id (the one {@link #addRun} gave)
     * @param endTime when the agent says it ended, or null to leave it
     * @return the run as it is now, or empty when there is no such run
     */
    Optional<ReportedRun> endRun(long runId, String endTime);

    /**
     * @param runId a run's id
     * @return that run, if there is one
     */
    Optional<ReportedRun> run(long runId);

    /**
     * @param file the new file; its id is ignored and a new one is given
     * @return the file as stored, or empty when a file of that name exists already
     */
    Optional<StfFileRecord> addStfFile(StfFileRecord file);

    /**
     * @param fileId the file's id
     * @param status its new status, or null to keep it
     * @param metadata its new metadata (replacing the old, as the monitor does), or null to keep it
     * @return the file as it is now, or empty when there is no such file
     */
    Optional<StfFileRecord> updateStfFile(String fileId, String status, Map<String, Object> metadata);

    /**
     * @param executionId an execution id
     * @return the STF files registered for the execution's run, oldest first
     */
    List<StfFileRecord> stfFiles(String executionId);

    /** @param record a log record an agent sent */
    void addLog(AgentLogRecord record);

    /**
     * @param agent a program name (e.g. {@code data-agent}) or an agent's instance name
     * @param limit how many at most
     * @return that agent's newest log records, oldest first
     */
    List<AgentLogRecord> logs(String agent, int limit);
}
