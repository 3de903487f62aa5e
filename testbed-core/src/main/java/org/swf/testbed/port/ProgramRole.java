package org.swf.testbed.port;

/** What a supervised program is for; decides start order and grouping. */
public enum ProgramRole {
    /** The embedded message broker, started before anything that talks to it. */
    BROKER,
    /** The workflow runner, started before the agents. */
    RUNNER,
    /** A workflow agent (the first copy of one that runs several); all agents start together. */
    AGENT,
    /**
     * A further copy of an agent (its second, third, ...). It starts and stops with the agents, but
     * stands alone in supervisord, outside their group: copies come and go without the group
     * changing, which would restart every agent.
     */
    REPLICA
}
