package org.swf.testbed.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void userInfoAndSecretOptionsAreMaskedTheRestIsKept() {
        assertThat(Redaction.url("amqps://alice:p@ss@broker:5671?transport.trustStorePassword=hunter2"
                + "&amqp.idleTimeout=60000&transport.verifyHost=true"))
                .isEqualTo("amqps://***@broker:5671?transport.trustStorePassword=***&amqp.idleTimeout=60000"
                        + "&transport.verifyHost=true");
        assertThat(Redaction.url("failover:(amqp://u:pw@a:5672,amqp://b:5672)?jms.password=x&jms.username=y"))
                .isEqualTo("failover:(amqp://***@a:5672,amqp://b:5672)?jms.password=***&jms.username=***");
        assertThat(Redaction.url("amqp://127.0.0.1:5672")).isEqualTo("amqp://127.0.0.1:5672");
        assertThat(Redaction.url(null)).isNull();
    }
}
