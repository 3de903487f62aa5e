package org.swf.testbed.port;

class InMemoryExecutionStoreTest extends ExecutionStoreContract {

    @Override
    protected ExecutionStore newStore() {
        return new InMemoryExecutionStore();
    }
}
