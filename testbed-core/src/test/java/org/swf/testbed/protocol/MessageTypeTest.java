package org.swf.testbed.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageTypeTest {

    @Test
    void everyTypeIsFoundByItsWireNameInLowerCase() {
        for (MessageType type : MessageType.values()) {
            assertThat(type.wireName()).isEqualTo(type.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(MessageType.fromWireName(type.wireName())).contains(type);
        }
        assertThat(MessageType.fromWireName("tf_file_registered")).contains(MessageType.TF_FILE_REGISTERED);
    }

    @Test
    void unknownAbsentOrUpperCaseNamesAreNoType() {
        assertThat(MessageType.fromWireName("data_ready")).isEmpty();
        assertThat(MessageType.fromWireName(null)).isEmpty();
        assertThat(MessageType.fromWireName("STF_GEN")).isEmpty();
    }
}
