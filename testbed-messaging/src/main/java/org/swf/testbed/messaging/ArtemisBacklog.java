package org.swf.testbed.messaging;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Reads how many messages an ActiveMQ Artemis broker holds for an address's consumers, through
 * the broker's management address: a message whose properties name the resource
 * ({@code address.NAME}) and the attribute ({@code messageCount}), answered at its reply address
 * with the value as a one-element JSON array. It works over AMQP as over Artemis' own protocol,
 * for a user the broker lets manage (the testbed's own broker lets its owner).
 *
 * <p>The questions go over a connection of their own, opened at the first: Artemis (2.44) answers
 * a management message from a user who may not manage by dropping the sender's connection, which
 * must not be the connection an agent's subscriptions live on. One question at a time; a question
 * not answered within the connect timeout is dropped with its session and reply queue, so a late
 * answer can never be taken for the next one. A broker that refuses, or that is not Artemis
 * (nothing answers), is not asked again: after {@link #GIVE_UP_AFTER} failures in a row every
 * answer is empty at once.
 */
final class ArtemisBacklog implements AutoCloseable {

    /** Artemis' default management address. */
    static final String MANAGEMENT_ADDRESS = "activemq.management";
    /** Unanswered or refused questions in a row after which the broker is not asked again. */
    static final int GIVE_UP_AFTER = 3;

    private static final long ANSWER_SLICE_MILLIS = 100;
    private static final String RESOURCE_NAME = "_AMQ_ResourceName";
    private static final String ATTRIBUTE = "_AMQ_Attribute";
    private static final String SUCCEEDED = "_AMQ_OperationSucceeded";
    private static final String ADDRESS_RESOURCE = "address.";
    private static final String MESSAGE_COUNT = "messageCount";

    private static final Logger LOG = LoggerFactory.getLogger(ArtemisBacklog.class);

    private final BusOptions options;
    private final String clientName;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}, as everything below. */
    private JmsMessageBus management;
    /** Made with the first connection: only a runner in fast mode asks at all. */
    private JsonCodec codec;
    private Session session;
    private MessageProducer producer;
    private TemporaryQueue replies;
    private MessageConsumer answers;
    private int failures;
    private volatile boolean givenUp;

    /** @param busOptions the options of the bus that asks; the questions' connection takes its login and timeouts */
    ArtemisBacklog(BusOptions busOptions) {
        this.clientName = busOptions.clientName();
        this.options = new BusOptions(busOptions.url(), busOptions.user(), busOptions.password(),
                clientName + "-management", busOptions.connectTimeout(), false, busOptions.caFile(),
                busOptions.closeTimeout());
        this.timeout = busOptions.connectTimeout();
    }

    /**
     * @param address an address (a queue's or a topic's name)
     * @return the messages its queues hold, summed, or empty when the broker does not answer
     */
    OptionalLong messageCount(String address) {
        if (givenUp) {
            return OptionalLong.empty();
        }
        lock.lock();
        try {
            open();
            TextMessage question = session.createTextMessage("[]");
            question.setStringProperty(RESOURCE_NAME, ADDRESS_RESOURCE + address);
            question.setStringProperty(ATTRIBUTE, MESSAGE_COUNT);
            question.setJMSReplyTo(replies);
            producer.send(question, DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, timeout.toMillis());
            Message answer = awaitAnswer();
            if (answer == null && !management.isConnected()) {
                // How Artemis answers a user who may not manage: no use asking again.
                giveUp("it dropped the connection that asked");
                return OptionalLong.empty();
            }
            if (answer == null) {
                failed("no answer within " + timeout.toMillis() + " ms");
                return OptionalLong.empty();
            }
            String body = answer instanceof TextMessage text ? text.getText() : null;
            if (!answer.getBooleanProperty(SUCCEEDED) || body == null) {
                failed("refused: " + body);
                return OptionalLong.empty();
            }
            // An attribute comes as a one-element JSON array: [42].
            long[] value = codec.decode(body, long[].class);
            if (value.length != 1) {
                failed("not one number: " + body);
                return OptionalLong.empty();
            }
            failures = 0;
            return OptionalLong.of(value[0]);
        } catch (JMSSecurityException e) {
            giveUp("not allowed to manage: " + e.getMessage());
            return OptionalLong.empty();
        } catch (JMSException | RuntimeException e) {
            failed(e.toString());
            return OptionalLong.empty();
        } finally {
            lock.unlock();
        }
    }

    /** @return the answer, or null when none came in time or the connection was lost meanwhile */
    private Message awaitAnswer() throws JMSException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (management.isConnected()) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                return null;
            }
            // In slices, so a connection the broker drops ends the wait at once.
            Message answer = answers.receive(Math.min(remainingMillis, ANSWER_SLICE_MILLIS));
            if (answer != null) {
                return answer;
            }
        }
        return null;
    }

    private void open() throws JMSException {
        if (management == null) {
            management = JmsMessageBus.connect(options);
        }
        if (codec == null) {
            codec = new JsonCodec();
        }
        if (session == null) {
            session = management.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            producer = session.createProducer(session.createQueue(MANAGEMENT_ADDRESS));
            replies = session.createTemporaryQueue();
            answers = session.createConsumer(replies);
        }
    }

    /** Counts a failure, and drops the session, on which a late answer could still arrive. */
    private void failed(String why) {
        failures++;
        if (failures >= GIVE_UP_AFTER) {
            givenUp = true;
            LOG.info("{}: the broker does not tell how many messages wait ({}); not asking again", clientName, why);
        } else {
            LOG.debug("{}: no message count from the broker: {}", clientName, why);
        }
        closeSession();
    }

    /** A failure that asking again cannot mend. */
    private void giveUp(String why) {
        failures = GIVE_UP_AFTER - 1;
        failed(why);
    }

    private void closeSession() {
        Session discarded = session;
        session = null;
        producer = null;
        replies = null;
        answers = null;
        if (management != null && (!management.isConnected() || givenUp)) {
            // Dropped by the broker, or no longer needed: the connection goes with its sessions, and
            // the next question, if any, connects anew. (Qpid may wait without end to close a
            // session of a connection that failed, so that is never tried.)
            closeInBackground(management::close);
            management = null;
        } else if (discarded != null) {
            // Its reply queue's consumer ends with it; the temporary queue with the connection.
            closeInBackground(() -> {
                try {
                    discarded.close();
                } catch (JMSException e) {
                    LOG.debug("{}: closing the management session: {}", clientName, e.toString());
                }
            });
        }
    }

    /** Stops asking; the questions' connection closes in the background, outside its owner's close budget. */
    @Override
    public void close() {
        givenUp = true;
        if (lock.tryLock()) {
            try {
                if (management != null) {
                    closeInBackground(management::close);
                    management = null;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Closes outside the asker's deadline: a close waits for the broker, which may not answer. */
    private static void closeInBackground(Runnable close) {
        Thread closer = new Thread(close, "testbed-management-close");
        closer.setDaemon(true);
        closer.start();
    }
}
