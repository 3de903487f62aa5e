package org.swf.testbed.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.WildcardConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository;
import org.apache.activemq.artemis.core.settings.impl.PageFullMessagePolicy;
import org.junit.jupiter.api.Test;
import org.swf.testbed.broker.BrokerLimits.AddressKind;
import org.swf.testbed.protocol.Destinations;

/** The broker's limits as Artemis resolves them for each of the testbed's addresses. */
class BrokerLimitsTest {

    private static final long MIB = 1024L * 1024;
    private static final AddressSettings SHARED = new AddressSettings()
            .setAutoCreateQueues(true)
            .setDeadLetterAddress(SimpleString.of(EmbeddedBroker.DEAD_LETTER));

    @Test
    void everyTestbedAddressGetsTheLimitsOfItsKind() {
        HierarchicalObjectRepository<AddressSettings> inMemory = repository(false);

        assertKind(inMemory, Destinations.agentManagerControl("alice").name(), AddressKind.CONTROL, false);
        assertKind(inMemory, Destinations.workflowControl("ns-1").name(), AddressKind.CONTROL, false);
        assertKind(inMemory, Destinations.workflowControl("physics.run2").name(), AddressKind.CONTROL, false);
        assertKind(inMemory, Destinations.sliceQueue("ns-1").name(), AddressKind.WORK, false);
        assertKind(inMemory, Destinations.sliceResults("ns-1").name(), AddressKind.WORK, false);
        assertKind(inMemory, Destinations.EPICTOPIC.name(), AddressKind.BROADCAST, false);
        assertKind(inMemory, Destinations.HEARTBEATS.name(), AddressKind.HEARTBEAT, false);
        assertKind(inMemory, EmbeddedBroker.DEAD_LETTER, AddressKind.DEAD_LETTER, false);
        assertKind(inMemory, EmbeddedBroker.EXPIRED, AddressKind.DEAD_LETTER, false);
        // Temporary reply queues have random names; agents of one's own use any name.
        assertKind(inMemory, UUID.randomUUID().toString(), AddressKind.OTHER, false);
        assertKind(inMemory, "my.agent.queue", AddressKind.OTHER, false);
        // Artemis takes '#' only at the end of a match: a dotted user name falls to OTHER.
        assertKind(inMemory, Destinations.agentManagerControl("first.last").name(), AddressKind.OTHER, false);
    }

    @Test
    void everyAddressKeepsWhatAllShare() {
        HierarchicalObjectRepository<AddressSettings> repository = repository(false);
        for (String address : List.of(Destinations.sliceQueue("ns").name(), Destinations.HEARTBEATS.name(), "x")) {
            AddressSettings settings = repository.getMatch(address);

            assertThat(settings.isAutoCreateQueues()).as(address).isTrue();
            assertThat((Object) settings.getDeadLetterAddress()).as(address).isEqualTo(SimpleString.of(EmbeddedBroker.DEAD_LETTER));
        }
    }

    @Test
    void inMemoryNothingPagesAndNothingBlocks() {
        for (AddressKind kind : AddressKind.values()) {
            // PAGE without a journal would write page files into the working directory; BLOCK
            // would hold a producer's AMQP link, and with it that client's sends to every address.
            assertThat(kind.policy(false)).as(kind.name())
                    .isIn(AddressFullMessagePolicy.FAIL, AddressFullMessagePolicy.DROP);
            assertThat(kind.pageLimitBytes(false)).as(kind.name()).isZero();
        }
    }

    @Test
    void withAJournalQueuesOfWorkPageToABoundedSizeAndNothingBlocks() {
        HierarchicalObjectRepository<AddressSettings> persistent = repository(true);
        for (AddressKind kind : AddressKind.values()) {
            assertThat(kind.policy(true)).as(kind.name()).isNotEqualTo(AddressFullMessagePolicy.BLOCK);
        }
        assertKind(persistent, Destinations.sliceQueue("ns").name(), AddressKind.WORK, true);
        assertKind(persistent, "reply-queue", AddressKind.OTHER, true);
        assertKind(persistent, Destinations.agentManagerControl("alice").name(), AddressKind.CONTROL, true);

        AddressSettings work = persistent.getMatch(Destinations.sliceQueue("ns").name());
        assertThat(work.getAddressFullMessagePolicy()).isEqualTo(AddressFullMessagePolicy.PAGE);
        assertThat(work.getPageLimitBytes()).isEqualTo(256 * MIB);
        assertThat(work.getPageFullMessagePolicy()).isEqualTo(PageFullMessagePolicy.FAIL);
        // Commands are never paged: a full control queue refuses at once.
        assertThat(persistent.getMatch(Destinations.workflowControl("ns").name()).getAddressFullMessagePolicy())
                .isEqualTo(AddressFullMessagePolicy.FAIL);
    }

    @Test
    void onlyCommandsAreRefusedEverythingElseIsDropped() {
        // A refusing address holds back the AMQP credit of the link that last sent to it, and our
        // clients send everything over one link: only short-lived command senders may meet one.
        for (AddressKind kind : AddressKind.values()) {
            assertThat(kind.policy(false)).as(kind.name()).isEqualTo(kind == AddressKind.CONTROL
                    ? AddressFullMessagePolicy.FAIL : AddressFullMessagePolicy.DROP);
        }
        // One stuck subscriber of a topic keeps its newest messages only, so it cannot fill the
        // address for the others.
        assertThat(AddressKind.BROADCAST.ringSize()).isEqualTo(5_000);
        assertThat(AddressKind.HEARTBEAT.ringSize()).isEqualTo(1_000);
        assertThat(AddressKind.DEAD_LETTER.ringSize()).isEqualTo(1_000);
        assertThat(AddressKind.WORK.ringSize()).isEqualTo(-1);
    }

    @Test
    void theAddressesOfATestbedFullAtOnceStayFarBelowTheGlobalLimit() {
        long global = BrokerLimits.globalMaxBytes(512 * MIB);
        // One user's and one namespace's addresses, every one of them full, plus the shared ones.
        long all = AddressKind.CONTROL.maxSizeBytes() * 2 + AddressKind.WORK.maxSizeBytes() * 2
                + AddressKind.BROADCAST.maxSizeBytes() + AddressKind.HEARTBEAT.maxSizeBytes()
                + AddressKind.DEAD_LETTER.maxSizeBytes() * 2 + AddressKind.OTHER.maxSizeBytes();

        assertThat(global).isEqualTo(256 * MIB);
        assertThat(all).isLessThanOrEqualTo(global / 2);
    }

    @Test
    void everyAddressTakesAtLeastOneMessageOfTheLargestSize() {
        for (AddressKind kind : AddressKind.values()) {
            assertThat(kind.maxSizeBytes()).as(kind.name()).isGreaterThan(BrokerLimits.MAX_MESSAGE_BYTES);
        }
        assertThat(BrokerLimits.MAX_MESSAGE_BYTES).isEqualTo(2 * MIB);
    }

    @Test
    void everyKindHasMatchesOfItsOwn() {
        Map<String, AddressSettings> settings = BrokerLimits.addressSettings(false, SHARED);

        long matches = Arrays.stream(AddressKind.values()).mapToLong(kind -> kind.matches().size()).sum();
        assertThat(settings).hasSize((int) matches).containsKeys("#", "epictopic", "testbed.heartbeat",
                "testbed.*.control", "workflow_control.#", "panda.transformer.slices.#",
                "panda.results.fastprocessing.#", "DLQ", "ExpiryQueue");
    }

    @Test
    void globalLimitIsHalfTheHeap() {
        assertThat(BrokerLimits.globalMaxBytes(1000)).isEqualTo(500);
        assertThatThrownBy(() -> BrokerLimits.globalMaxBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static HierarchicalObjectRepository<AddressSettings> repository(boolean persistent) {
        HierarchicalObjectRepository<AddressSettings> repository =
                new HierarchicalObjectRepository<>(new WildcardConfiguration());
        BrokerLimits.addressSettings(persistent, SHARED).forEach(repository::addMatch);
        return repository;
    }

    private static void assertKind(HierarchicalObjectRepository<AddressSettings> repository, String address,
            AddressKind kind, boolean persistent) {
        AddressSettings settings = repository.getMatch(address);
        assertThat(settings.getMaxSizeBytes()).as(address).isEqualTo(kind.maxSizeBytes());
        assertThat(settings.getAddressFullMessagePolicy()).as(address).isEqualTo(kind.policy(persistent));
        assertThat(settings.getDefaultRingSize()).as(address).isEqualTo(kind.ringSize());
    }
}
