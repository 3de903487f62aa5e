package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swf.testbed.TestbedException;
import org.swf.testbed.broker.BrokerSecurity;
import org.swf.testbed.broker.BrokerSecurity.Permission;
import org.swf.testbed.broker.BrokerSecurity.Rule;
import org.swf.testbed.broker.BrokerSecurity.User;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;

/**
 * A broker shared by alice and bob: each owns their control queue and their namespace's queues,
 * both share the broadcast and heartbeat topics and their own temporary reply queues.
 */
class AuthorizationIT {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationIT.class);

    private static final Duration DELIVERY = Duration.ofSeconds(10);
    /** How long to keep listening for a message that must not come, after the legitimate copy arrived. */
    private static final Duration QUIET = Duration.ofMillis(500);

    private static final String ALICE_NS = "alice-ns";
    private static final String BOB_NS = "bob-ns";

    private static EmbeddedBroker broker;
    private final List<MessageBus> buses = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(TestBrokers.onFreePorts().withSecurity(sharedBroker()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(MessageBus::close);
    }

    /**
     * Artemis applies only the most specific matching rule. The catch-all "#" serves the shared
     * topics and the temporary reply queues (named by random UUIDs, so no narrower match exists);
     * every private address has its own, more specific rule that names only its owner, so the
     * catch-all's queue-creation right never reaches it.
     */
    static BrokerSecurity sharedBroker() {
        Set<Permission> own = EnumSet.complementOf(EnumSet.of(Permission.MANAGE));
        Set<Permission> shared = EnumSet.of(Permission.SEND, Permission.CONSUME, Permission.CREATE_ADDRESS,
                Permission.CREATE_NON_DURABLE_QUEUE, Permission.DELETE_NON_DURABLE_QUEUE);
        List<Rule> rules = new ArrayList<>();
        for (String[] owner : new String[][] {{"alice", ALICE_NS}, {"bob", BOB_NS}}) {
            String role = owner[0];
            String namespace = owner[1];
            rules.add(Rule.of("testbed." + role + ".#").grant(own, role));
            rules.add(Rule.of(Destinations.workflowControl(namespace).name()).grant(own, role));
            rules.add(Rule.of(Destinations.sliceQueue(namespace).name()).grant(own, role));
            rules.add(Rule.of(Destinations.sliceResults(namespace).name()).grant(own, role));
        }
        rules.add(Rule.of("#").grant(shared, "alice", "bob"));
        return new BrokerSecurity(List.of(new User("alice", "alice-pw-1", Set.of("alice")),
                new User("bob", "bob-pw-2", Set.of("bob"))), rules);
    }

    @Test
    void aliceRequestsAndGetsRepliesOnHerControlQueue() {
        MessageBus manager = bus("alice", "alice-pw-1");
        MessageBus cli = bus("alice", "alice-pw-1");
        Destination control = Destinations.agentManagerControl("alice");
        manager.subscribe(control, in -> manager.send(in.replyTo(), "{\"success\":true}", null, in.correlationId()));

        InboundMessage reply = cli.request(control, "{\"command\":\"status\"}", DELIVERY);

        assertThat(reply.body()).isEqualTo("{\"success\":true}");
    }

    @Test
    void bobCannotSendToOrConsumeFromAlicesControlQueue() throws InterruptedException {
        MessageBus alice = bus("alice", "alice-pw-1");
        MessageBus bob = bus("bob", "bob-pw-2");
        Destination control = Destinations.agentManagerControl("alice");
        BlockingQueue<InboundMessage> atAlice = new LinkedBlockingQueue<>();
        alice.subscribe(control, atAlice::add);

        assertThatThrownBy(() -> bob.send(control, "{\"command\":\"stop_testbed\"}"))
                .isInstanceOf(TestbedException.class)
                .hasMessageContaining("does not permit")
                .hasMessageContaining("bob does not have permission='SEND' on address testbed.alice.control");
        assertThatThrownBy(() -> bob.subscribe(control, in -> { }))
                .isInstanceOf(TestbedException.class)
                .hasMessageContaining("does not permit");
        // Not even through the queue's full name, nor as a topic subscriber of the same address
        // (which would put a queue of bob's beside alice's and copy her messages into it), be the
        // address there already or not.
        assertThatThrownBy(() -> bob.subscribe(Destination.queue(control.name() + "::" + control.name()), in -> { }))
                .isInstanceOf(TestbedException.class);
        assertThatThrownBy(() -> bob.subscribe(Destination.topic(control.name()), in -> { }))
                .isInstanceOf(TestbedException.class);
        assertThatThrownBy(() -> bob.subscribe(Destination.topic("testbed.alice.not-yet-there"), in -> { }))
                .isInstanceOf(TestbedException.class)
                .hasMessageContaining("does not permit");
        assertThatThrownBy(() -> bob.request(control, "{\"command\":\"status\"}", DELIVERY))
                .isInstanceOf(TestbedException.class);

        alice.send(control, "{\"command\":\"ping\"}");
        assertThat(atAlice.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
        assertThat(atAlice).isEmpty(); // bob's attempts never arrived
    }

    /** Nobody here may manage the broker: a client that asks how many messages wait gets no number, and stops asking. */
    @Test
    void aUserWhoMayNotManageTheBrokerIsToldNoMessageCount() {
        JmsMessageBus agent = JmsMessageBus.connect(BusOptions.of(broker.amqpUrl(), "alice-runner")
                .withCredentials("alice", "alice-pw-1").withReconnect(true));
        buses.add(agent);

        for (int i = 0; i < ArtemisBacklog.GIVE_UP_AFTER + 1; i++) {
            assertThat(agent.undelivered(Destinations.EPICTOPIC)).isEmpty();
        }
        assertThat(agent.isConnected()).isTrue();
        agent.subscribe(Destinations.HEARTBEATS, in -> { });
    }

    @Test
    void aRefusedAsynchronousSendOfAnAgentLeavesItsConnectionUp() {
        JmsMessageBus agent = JmsMessageBus.connect(BusOptions.of(broker.amqpUrl(), "bob-agent")
                .withCredentials("bob", "bob-pw-2").withReconnect(true));
        buses.add(agent);

        try {
            agent.send(Destinations.agentManagerControl("alice"), "{\"command\":\"stop_testbed\"}");
            LOG.info("the agent's asynchronous send returned without an error");
        } catch (TestbedException refused) {
            LOG.info("the agent's asynchronous send failed: {}", refused.getMessage());
        }
        // A subscription is a round trip, so the broker's answer to the refused send is in by then.
        agent.subscribe(Destinations.HEARTBEATS, in -> { });
        agent.send(Destinations.HEARTBEATS, "{\"instance_name\":\"bob-agent\"}");

        assertThat(agent.isConnected()).isTrue();
    }

    @Test
    void bobCannotTouchAlicesNamespaceQueues() {
        MessageBus bob = bus("bob", "bob-pw-2");
        for (Destination queue : List.of(Destinations.workflowControl(ALICE_NS),
                Destinations.sliceQueue(ALICE_NS),
                Destinations.sliceResults(ALICE_NS))) {
            assertThatThrownBy(() -> bob.send(queue, "{\"command\":\"run_workflow\"}"))
                    .as(queue.name()).isInstanceOf(TestbedException.class).hasMessageContaining("does not permit");
            assertThatThrownBy(() -> bob.subscribe(queue, in -> { }))
                    .as(queue.name()).isInstanceOf(TestbedException.class).hasMessageContaining("does not permit");
        }
        // His own namespace works.
        bob.subscribe(Destinations.workflowControl(BOB_NS), in -> { });
        bob.send(Destinations.workflowControl(BOB_NS), "{\"command\":\"status_request\"}");
    }

    @Test
    void wildcardSubscriptionsReceiveNothingOfAlices() throws InterruptedException {
        MessageBus alice = bus("alice", "alice-pw-1");
        MessageBus bob = bus("bob", "bob-pw-2");
        BlockingQueue<InboundMessage> stolen = new LinkedBlockingQueue<>();
        for (String wildcard : new String[] {"#", "workflow_control.#", "workflow_control.*", "testbed.#",
                "testbed.*.control", "testbed.alice.*"}) {
            for (Destination subscription : List.of(Destination.topic(wildcard), Destination.queue(wildcard))) {
                try {
                    bob.subscribe(subscription, stolen::add);
                    LOG.info("bob may subscribe to {}; he must receive nothing of alice's there", subscription);
                } catch (TestbedException refused) {
                    LOG.info("bob may not subscribe to {}: {}", subscription, refused.getMessage());
                }
            }
        }
        BlockingQueue<InboundMessage> atAlice = new LinkedBlockingQueue<>();
        Destination aliceTopic = Destination.topic("testbed.alice.events");
        alice.subscribe(Destinations.workflowControl(ALICE_NS), atAlice::add);
        alice.subscribe(aliceTopic, atAlice::add);

        alice.send(Destinations.workflowControl(ALICE_NS), "{\"command\":\"run_workflow\"}");
        alice.send(aliceTopic, "{\"msg_type\":\"private\"}");

        assertThat(atAlice.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
        assertThat(atAlice.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
        // Routing happens when the broker accepts the message, before alice's copy is delivered.
        assertThat(stolen.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void bothShareHeartbeatsAndBroadcastsAndUseTheirOwnReplyQueues() throws InterruptedException {
        MessageBus alice = bus("alice", "alice-pw-1");
        MessageBus bob = bus("bob", "bob-pw-2");
        BlockingQueue<InboundMessage> aliceHears = new LinkedBlockingQueue<>();
        BlockingQueue<InboundMessage> bobHears = new LinkedBlockingQueue<>();
        alice.subscribe(Destinations.HEARTBEATS, aliceHears::add);
        bob.subscribe(Destinations.HEARTBEATS, bobHears::add);
        bob.subscribe(Destinations.EPICTOPIC, bobHears::add);

        alice.send(Destinations.HEARTBEATS, "{\"instance_name\":\"alice-agent\"}");
        bob.send(Destinations.HEARTBEATS, "{\"instance_name\":\"bob-agent\"}");
        alice.send(Destinations.EPICTOPIC, "{\"msg_type\":\"start_run\"}");

        assertThat(List.of(poll(aliceHears), poll(aliceHears))).extracting(InboundMessage::body)
                .containsExactlyInAnyOrder("{\"instance_name\":\"alice-agent\"}", "{\"instance_name\":\"bob-agent\"}");
        assertThat(List.of(poll(bobHears), poll(bobHears), poll(bobHears))).extracting(InboundMessage::body)
                .containsExactlyInAnyOrder("{\"instance_name\":\"alice-agent\"}", "{\"instance_name\":\"bob-agent\"}",
                        "{\"msg_type\":\"start_run\"}");

        // Bob's own manager answers him on a temporary reply queue of his.
        MessageBus bobManager = bus("bob", "bob-pw-2");
        bobManager.subscribe(Destinations.agentManagerControl("bob"), in ->
                bobManager.send(in.replyTo(), "{\"success\":true}", null, in.correlationId()));
        assertThat(bob.request(Destinations.agentManagerControl("bob"), "{\"command\":\"ping\"}", DELIVERY).body())
                .isEqualTo("{\"success\":true}");
    }

    private MessageBus bus(String user, String password) {
        MessageBus bus = JmsMessageBus.connect(BusOptions.of(broker.amqpUrl(), user).withCredentials(user, password));
        buses.add(bus);
        return bus;
    }

    private static InboundMessage poll(BlockingQueue<InboundMessage> queue) throws InterruptedException {
        InboundMessage message = queue.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).as("a message within " + DELIVERY).isNotNull();
        return message;
    }
}
