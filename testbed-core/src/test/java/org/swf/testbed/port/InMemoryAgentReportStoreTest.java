package org.swf.testbed.port;

class InMemoryAgentReportStoreTest extends AgentReportStoreContract {

    @Override
    protected Stores newStores() {
        InMemoryExecutionStore executions = new InMemoryExecutionStore();
        return new Stores(executions, new InMemoryAgentReportStore(executions));
    }
}
