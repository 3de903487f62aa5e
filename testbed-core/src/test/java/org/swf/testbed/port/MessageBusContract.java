package org.swf.testbed.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.protocol.Destination;

/**
 * The behaviour every {@link MessageBus} must have, run against the in-memory fake and against
 * the real AMQP adapter (DESIGN 5.7).
 *
 * <p>Subclasses say how to make a bus; every bus a test makes shares one broker, so two buses act
 * as two processes. Destination names are unique per test, so a real broker can be shared by all
 * tests of a class. The contract waits for deliveries with deadlines, never with sleeps, except
 * where it must show that something does <em>not</em> arrive.
 */
public abstract class MessageBusContract {

    /** How long a delivery may take before the contract calls it lost. */
    protected static final Duration DELIVERY = Duration.ofSeconds(10);

    /** How long to watch for a message that must not arrive. */
    protected static final Duration QUIET = Duration.ofMillis(300);

    private final List<MessageBus> buses = new ArrayList<>();

    /**
     * @return a new, connected bus on the broker every bus of this test shares
     */
    protected abstract MessageBus newBus();

    /** Closes every bus the test made. */
    @AfterEach
    void closeBuses() {
        buses.forEach(MessageBus::close);
    }

    /** @return a new bus, closed after the test */
    protected final MessageBus bus() {
        MessageBus bus = newBus();
        buses.add(bus);
        return bus;
    }

    /**
     * @param what a word for the test
     * @return a destination name no other test uses
     */
    protected static String unique(String what) {
        return "contract." + what + "." + UUID.randomUUID();
    }

    @Test
    void newBusIsConnected() {
        assertThat(bus().isConnected()).isTrue();
    }

    @Test
    void queueMessageReachesASubscriberOfAnotherBus() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("queue"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        receiver.subscribe(queue, received::add);

        sender.send(queue, "{\"command\":\"ping\",\"text\":\"Grüße ✓\"}");

        InboundMessage message = poll(received);
        assertThat(message.body()).isEqualTo("{\"command\":\"ping\",\"text\":\"Grüße ✓\"}");
        assertThat(message.destination()).isEqualTo(queue);
        assertThat(message.replyTo()).isNull();
        assertThat(message.correlationId()).isNull();
    }

    @Test
    void queueKeepsOrderForOneSubscriber() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("order"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        receiver.subscribe(queue, received::add);

        for (int i = 0; i < 20; i++) {
            sender.send(queue, "{\"sequence\":" + i + "}");
        }

        for (int i = 0; i < 20; i++) {
            assertThat(poll(received).body()).isEqualTo("{\"sequence\":" + i + "}");
        }
    }

    @Test
    void idempotentSubscriptionGetsEveryMessageInOrderOnce() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("work"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        receiver.subscribeIdempotent(queue, received::add);

        for (int i = 0; i < 100; i++) {
            sender.send(queue, "{\"sequence\":" + i + "}");
        }

        for (int i = 0; i < 100; i++) {
            InboundMessage message = poll(received);
            assertThat(message.body()).isEqualTo("{\"sequence\":" + i + "}");
            assertThat(message.redelivered()).isFalse();
        }
        assertThat(received.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void queueMessageSentBeforeAnyoneSubscribesWaitsForTheSubscriber() throws InterruptedException {
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("buffered"));
        sender.send(queue, "{\"n\":1}");

        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        bus().subscribe(queue, received::add);

        assertThat(poll(received).body()).isEqualTo("{\"n\":1}");
    }

    @Test
    void queueGivesEachMessageToOneOfItsSubscribers() throws InterruptedException {
        MessageBus first = bus();
        MessageBus second = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("competing"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        first.subscribe(queue, received::add);
        second.subscribe(queue, received::add);

        for (int i = 0; i < 10; i++) {
            sender.send(queue, "{\"n\":" + i + "}");
        }

        Set<String> bodies = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            bodies.add(poll(received).body());
        }
        assertThat(bodies).hasSize(10);
        assertThat(received.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void topicMessageReachesEverySubscriber() throws InterruptedException {
        MessageBus one = bus();
        MessageBus two = bus();
        MessageBus sender = bus();
        Destination topic = Destination.topic(unique("topic"));
        BlockingQueue<InboundMessage> atOne = new LinkedBlockingQueue<>();
        BlockingQueue<InboundMessage> atTwo = new LinkedBlockingQueue<>();
        one.subscribe(topic, atOne::add);
        two.subscribe(topic, atTwo::add);

        sender.send(topic, "{\"msg_type\":\"start_run\"}");

        assertThat(poll(atOne).body()).isEqualTo("{\"msg_type\":\"start_run\"}");
        InboundMessage atSecond = poll(atTwo);
        assertThat(atSecond.body()).isEqualTo("{\"msg_type\":\"start_run\"}");
        assertThat(atSecond.destination()).isEqualTo(topic);
        assertThat(atOne.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        assertThat(atTwo.poll()).isNull();
    }

    @Test
    void topicAndQueueOfTheSameNameAreSeparate() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        String name = unique("same-name");
        BlockingQueue<InboundMessage> atTopic = new LinkedBlockingQueue<>();
        receiver.subscribe(Destination.topic(name), atTopic::add);
        BlockingQueue<InboundMessage> atQueue = new LinkedBlockingQueue<>();
        receiver.subscribe(Destination.queue(unique("other")), atQueue::add);

        sender.send(Destination.topic(name), "{\"to\":\"topic\"}");

        assertThat(poll(atTopic).body()).isEqualTo("{\"to\":\"topic\"}");
        assertThat(atQueue.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void sendCarriesReplyToAndCorrelationId() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("with-reply"));
        Destination replies = Destination.queue(unique("replies"));
        Destination replyTopic = Destination.topic(unique("reply-topic"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        receiver.subscribe(queue, received::add);

        sender.send(queue, "{\"command\":\"status\"}", replies, "corr-1");
        sender.send(queue, "{\"command\":\"status\"}", replyTopic, "corr-2");

        InboundMessage first = poll(received);
        assertThat(first.replyTo()).isEqualTo(replies);
        assertThat(first.correlationId()).isEqualTo("corr-1");
        InboundMessage second = poll(received);
        assertThat(second.replyTo()).isEqualTo(replyTopic);
        assertThat(second.correlationId()).isEqualTo("corr-2");
    }

    @Test
    void replyViaInboundReplyToReachesTheRequester() throws InterruptedException {
        MessageBus requester = bus();
        MessageBus responder = bus();
        Destination control = Destination.queue(unique("control"));
        Destination replies = Destination.queue(unique("replies"));
        responder.subscribe(control, in ->
                responder.send(in.replyTo(), "{\"success\":true}", null, in.correlationId()));
        BlockingQueue<InboundMessage> answers = new LinkedBlockingQueue<>();
        requester.subscribe(replies, answers::add);

        requester.send(control, "{\"command\":\"ping\"}", replies, "corr-42");

        InboundMessage answer = poll(answers);
        assertThat(answer.body()).isEqualTo("{\"success\":true}");
        assertThat(answer.correlationId()).isEqualTo("corr-42");
        assertThat(answer.destination()).isEqualTo(replies);
    }

    @Test
    void requestGetsTheReplyWithItsCorrelationId() {
        MessageBus requester = bus();
        MessageBus responder = bus();
        Destination control = Destination.queue(unique("control"));
        BlockingQueue<InboundMessage> seen = new LinkedBlockingQueue<>();
        responder.subscribe(control, in -> {
            seen.add(in);
            responder.send(in.replyTo(), "{\"success\":true,\"echo\":" + in.body() + "}", null, in.correlationId());
        });

        InboundMessage reply = requester.request(control, "{\"command\":\"ping\"}", DELIVERY);

        assertThat(reply.body()).isEqualTo("{\"success\":true,\"echo\":{\"command\":\"ping\"}}");
        InboundMessage request = seen.poll();
        assertThat(request).isNotNull();
        assertThat(request.replyTo()).isNotNull();
        assertThat(request.replyTo().kind()).isEqualTo(Destination.Kind.QUEUE);
        assertThat(request.correlationId()).isNotBlank();
        assertThat(reply.correlationId()).isEqualTo(request.correlationId());
    }

    @Test
    void concurrentRequestsGetTheirOwnReplies() throws Exception {
        MessageBus requester = bus();
        MessageBus responder = bus();
        Destination control = Destination.queue(unique("control"));
        responder.subscribe(control, in -> responder.send(in.replyTo(), in.body(), null, in.correlationId()));

        List<Thread> threads = new ArrayList<>();
        BlockingQueue<String> mismatches = new LinkedBlockingQueue<>();
        for (int i = 0; i < 4; i++) {
            String body = "{\"n\":" + i + "}";
            Thread thread = new Thread(() -> {
                try {
                    String reply = requester.request(control, body, DELIVERY).body();
                    if (!reply.equals(body)) {
                        mismatches.add(body + " got " + reply);
                    }
                } catch (RuntimeException e) {
                    mismatches.add(body + " failed: " + e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(DELIVERY.toMillis() * 2);
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void requestWithoutAnAnswerTimesOut() {
        MessageBus requester = bus();
        Destination nobody = Destination.queue(unique("nobody"));

        long start = System.nanoTime();
        assertThatThrownBy(() -> requester.request(nobody, "{\"command\":\"ping\"}", Duration.ofMillis(300)))
                .isInstanceOf(TestbedTimeoutException.class)
                .hasMessageContaining("No reply from")
                .hasMessageContaining(nobody.name());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DELIVERY);
    }

    @Test
    void listenerFailureDoesNotStopDelivery() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("faulty"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        AtomicBoolean failed = new AtomicBoolean();
        receiver.subscribe(queue, in -> {
            received.add(in);
            if (failed.compareAndSet(false, true)) {
                throw new IllegalStateException("listener bug (expected by the test)");
            }
        });

        sender.send(queue, "{\"n\":1}");
        sender.send(queue, "{\"n\":2}");

        assertThat(poll(received).body()).isEqualTo("{\"n\":1}");
        assertThat(poll(received).body()).isEqualTo("{\"n\":2}");
        // The failed message is not redelivered: the listener owns the outcome.
        assertThat(received.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closedSubscriptionGetsNoMoreMessages() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination topic = Destination.topic(unique("closing"));
        BlockingQueue<InboundMessage> closed = new LinkedBlockingQueue<>();
        BlockingQueue<InboundMessage> open = new LinkedBlockingQueue<>();
        MessageBus.Subscription subscription = receiver.subscribe(topic, closed::add);
        receiver.subscribe(topic, open::add);

        sender.send(topic, "{\"n\":1}");
        assertThat(poll(closed).body()).isEqualTo("{\"n\":1}");
        assertThat(poll(open).body()).isEqualTo("{\"n\":1}");

        subscription.close();
        subscription.close(); // idempotent
        sender.send(topic, "{\"n\":2}");

        assertThat(poll(open).body()).isEqualTo("{\"n\":2}");
        assertThat(closed.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closedQueueSubscriptionLeavesMessagesForOthers() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("handover"));
        BlockingQueue<InboundMessage> first = new LinkedBlockingQueue<>();
        receiver.subscribe(queue, first::add).close();

        sender.send(queue, "{\"n\":1}");
        BlockingQueue<InboundMessage> second = new LinkedBlockingQueue<>();
        bus().subscribe(queue, second::add);

        assertThat(poll(second).body()).isEqualTo("{\"n\":1}");
        assertThat(first).isEmpty();
    }

    @Test
    void closedBusEndsItsSubscriptions() throws InterruptedException {
        MessageBus receiver = newBus();
        MessageBus sender = bus();
        Destination topic = Destination.topic(unique("bus-closing"));
        BlockingQueue<InboundMessage> atClosed = new LinkedBlockingQueue<>();
        BlockingQueue<InboundMessage> atOpen = new LinkedBlockingQueue<>();
        receiver.subscribe(topic, atClosed::add);
        bus().subscribe(topic, atOpen::add);

        receiver.close();
        receiver.close(); // idempotent
        sender.send(topic, "{\"n\":1}");

        assertThat(receiver.isConnected()).isFalse();
        assertThat(poll(atOpen).body()).isEqualTo("{\"n\":1}");
        assertThat(atClosed.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closedBusRefusesToSend() {
        MessageBus bus = newBus();
        bus.close();

        assertThatThrownBy(() -> bus.send(Destination.queue(unique("after-close")), "{}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closedBusRefusesToSubscribeAndToRequest() {
        MessageBus bus = newBus();
        bus.close();

        assertThatThrownBy(() -> bus.subscribe(Destination.queue(unique("after-close")), in -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> bus.request(Destination.queue(unique("after-close")), "{}", DELIVERY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void topicKeepsOrderForEachSubscriber() throws InterruptedException {
        MessageBus one = bus();
        MessageBus two = bus();
        MessageBus sender = bus();
        Destination topic = Destination.topic(unique("topic-order"));
        BlockingQueue<InboundMessage> atOne = new LinkedBlockingQueue<>();
        BlockingQueue<InboundMessage> atTwo = new LinkedBlockingQueue<>();
        one.subscribe(topic, atOne::add);
        two.subscribe(topic, atTwo::add);

        for (int i = 0; i < 20; i++) {
            sender.send(topic, "{\"sequence\":" + i + "}");
        }

        // A run's broadcasts (start_run, stf_gen..., end_run) mean something only in order.
        for (int i = 0; i < 20; i++) {
            assertThat(poll(atOne).body()).isEqualTo("{\"sequence\":" + i + "}");
            assertThat(poll(atTwo).body()).isEqualTo("{\"sequence\":" + i + "}");
        }
    }

    @Test
    void topicMessageSentBeforeAnyoneSubscribesIsNotKept() throws InterruptedException {
        MessageBus sender = bus();
        Destination topic = Destination.topic(unique("unheard"));
        sender.send(topic, "{\"n\":1}");

        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        bus().subscribe(topic, received::add);
        sender.send(topic, "{\"n\":2}");

        assertThat(poll(received).body()).isEqualTo("{\"n\":2}");
        assertThat(received.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void busReceivesOnItsOwnThreadWhatItSendsToATopicItSubscribes() throws InterruptedException {
        MessageBus bus = bus();
        Destination topic = Destination.topic(unique("own"));
        BlockingQueue<Thread> listenerThreads = new LinkedBlockingQueue<>();
        bus.subscribe(topic, in -> listenerThreads.add(Thread.currentThread()));

        bus.send(topic, "{\"msg_type\":\"heartbeat_request\"}");

        // An agent hears its own broadcasts, and never in the sender's call: a sender holding a
        // lock its listener also takes would otherwise deadlock or re-enter.
        Thread listenerThread = listenerThreads.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(listenerThread).as("a delivery within %s", DELIVERY).isNotNull();
        assertThat(listenerThread).isNotSameAs(Thread.currentThread());
    }

    @Test
    void queueSubscriptionDeliversOneMessageAtATime() throws InterruptedException {
        assertOneAtATime(Destination.queue(unique("serial")));
    }

    @Test
    void topicSubscriptionDeliversOneMessageAtATime() throws InterruptedException {
        assertOneAtATime(Destination.topic(unique("serial")));
    }

    private void assertOneAtATime(Destination destination) throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<InboundMessage> begun = new LinkedBlockingQueue<>();
        receiver.subscribe(destination, in -> {
            begun.add(in);
            awaitQuietly(release);
        });

        sender.send(destination, "{\"n\":1}");
        sender.send(destination, "{\"n\":2}");

        assertThat(poll(begun).body()).isEqualTo("{\"n\":1}");
        // While the listener works on the first message, the second must not begin.
        assertThat(begun.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        release.countDown();
        assertThat(poll(begun).body()).isEqualTo("{\"n\":2}");
    }

    @Test
    void listenerErrorDoesNotStopDelivery() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination topic = Destination.topic(unique("failed-assertion"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        AtomicBoolean failed = new AtomicBoolean();
        receiver.subscribe(topic, in -> {
            received.add(in);
            if (failed.compareAndSet(false, true)) {
                throw new AssertionError("a failed assertion in a listener (expected by the test)");
            }
        });

        sender.send(topic, "{\"n\":1}");
        sender.send(topic, "{\"n\":2}");

        assertThat(poll(received).body()).isEqualTo("{\"n\":1}");
        assertThat(poll(received).body()).isEqualTo("{\"n\":2}");
    }

    @Test
    void requestIgnoresAnswersForAnotherRequest() {
        MessageBus requester = bus();
        MessageBus responder = bus();
        Destination control = Destination.queue(unique("control"));
        responder.subscribe(control, in -> {
            responder.send(in.replyTo(), "{\"stale\":true}", null, "another-request");
            responder.send(in.replyTo(), "{\"success\":true}", null, in.correlationId());
        });

        InboundMessage reply = requester.request(control, "{\"command\":\"ping\"}", DELIVERY);

        assertThat(reply.body()).isEqualTo("{\"success\":true}");
    }

    @Test
    void interimMessagesReachTheRequesterInOrderBeforeTheAnswer() {
        MessageBus requester = bus();
        MessageBus responder = bus();
        Destination control = Destination.queue(unique("control"));
        responder.subscribe(control, in -> {
            responder.send(in.replyTo(), "{\"progress\":1}", null, in.correlationId());
            responder.send(in.replyTo(), "{\"progress\":2}", null, in.correlationId());
            responder.send(in.replyTo(), "{\"success\":true}", null, in.correlationId());
        });
        List<String> interim = new CopyOnWriteArrayList<>();

        InboundMessage reply = requester.request(control, "{\"command\":\"start_testbed\"}", DELIVERY, in -> {
            if (!in.body().contains("progress")) {
                return false;
            }
            interim.add(in.body());
            return true;
        });

        assertThat(reply.body()).isEqualTo("{\"success\":true}");
        assertThat(interim).containsExactly("{\"progress\":1}", "{\"progress\":2}");
    }

    @Test
    void aRequestThatGetsOnlyInterimMessagesTimesOut() {
        MessageBus requester = bus();
        MessageBus responder = bus();
        Destination control = Destination.queue(unique("control"));
        responder.subscribe(control, in -> responder.send(in.replyTo(), "{\"progress\":1}", null, in.correlationId()));
        List<String> interim = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> requester.request(control, "{}", Duration.ofMillis(500), in -> interim.add(in.body())))
                .isInstanceOf(TestbedTimeoutException.class);
        assertThat(interim).containsExactly("{\"progress\":1}");
    }

    @Test
    void requestReplyAddressIsATemporaryQueueTheResponderCanAnswer() throws InterruptedException {
        MessageBus requester = bus();
        MessageBus responder = bus();
        Destination control = Destination.queue(unique("control"));
        BlockingQueue<InboundMessage> requests = new LinkedBlockingQueue<>();
        responder.subscribe(control, in -> {
            requests.add(in);
            responder.send(in.replyTo(), "{\"success\":true}", null, in.correlationId());
        });

        InboundMessage reply = requester.request(control, "{\"command\":\"ping\"}", DELIVERY);

        InboundMessage request = poll(requests);
        assertThat(request.replyTo().kind()).isEqualTo(Destination.Kind.QUEUE);
        assertThat(reply.destination()).isEqualTo(request.replyTo());
        assertThat(reply.body()).isEqualTo("{\"success\":true}");
    }

    @Test
    void closingTheBusEndsARequestWaitingForItsReply() throws Exception {
        MessageBus requester = bus();
        Destination silent = Destination.queue(unique("silent"));
        BlockingQueue<InboundMessage> arrived = new LinkedBlockingQueue<>();
        bus().subscribe(silent, arrived::add);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread waiting = new Thread(() -> {
            try {
                requester.request(silent, "{\"command\":\"ping\"}", Duration.ofMinutes(5));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, "contract-requester");
        waiting.start();
        poll(arrived);

        requester.close();

        // Ends at once rather than at the request's own (much longer) timeout.
        assertThat(outcome.get(DELIVERY.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void subscriptionCanBeClosedFromItsOwnListener() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("one-shot"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        MessageBus.Subscription[] self = new MessageBus.Subscription[1];
        self[0] = receiver.subscribe(queue, in -> {
            received.add(in);
            self[0].close();
        });

        sender.send(queue, "{\"n\":1}");
        assertThat(poll(received).body()).isEqualTo("{\"n\":1}");
        sender.send(queue, "{\"n\":2}");

        // The second message stays queued for the next subscriber.
        BlockingQueue<InboundMessage> next = new LinkedBlockingQueue<>();
        bus().subscribe(queue, next::add);
        assertThat(poll(next).body()).isEqualTo("{\"n\":2}");
        assertThat(received).isEmpty();
    }

    @Test
    void queueMessagesAClosedSubscriptionHadNotDeliveredGoToTheNextInOrder() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("hand-back"));
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        MessageBus.Subscription[] self = new MessageBus.Subscription[1];
        self[0] = receiver.subscribe(queue, in -> {
            received.add(in);
            awaitQuietly(release);
            self[0].close();
        });
        sender.send(queue, "{\"n\":1}");
        assertThat(poll(received).body()).isEqualTo("{\"n\":1}");

        // These reach the subscription (or its prefetch) while its listener is busy.
        for (int i = 2; i <= 5; i++) {
            sender.send(queue, "{\"n\":" + i + "}");
        }
        release.countDown();

        BlockingQueue<InboundMessage> next = new LinkedBlockingQueue<>();
        bus().subscribe(queue, next::add);
        for (int i = 2; i <= 5; i++) {
            assertThat(poll(next).body()).isEqualTo("{\"n\":" + i + "}");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void busCanBeClosedFromItsOwnListener() throws InterruptedException {
        MessageBus receiver = newBus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("stop-command"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        receiver.subscribe(queue, in -> {
            receiver.close();
            received.add(in);
        });

        sender.send(queue, "{\"command\":\"stop\"}");

        assertThat(poll(received).body()).isEqualTo("{\"command\":\"stop\"}");
        assertThat(receiver.isConnected()).isFalse();
    }

    /** Lets a listener hold its message until the test releases it, but never past {@link #DELIVERY}. */
    private static void awaitQuietly(CountDownLatch release) {
        try {
            release.await(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param queue where a listener puts what it receives
     * @return the next message, failing the test when none comes within {@link #DELIVERY}
     * @throws InterruptedException when the test is interrupted
     */
    protected static InboundMessage poll(BlockingQueue<InboundMessage> queue) throws InterruptedException {
        InboundMessage message = queue.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).as("a message within %s", DELIVERY).isNotNull();
        return message;
    }
}
