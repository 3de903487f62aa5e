package org.swf.testbed.protocol;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What every command carries besides its own fields: when and by whom it was sent, how long its
 * sender waits for the answer, and where the answer goes when the transport cannot say (STOMP
 * senders). On the wire these are plain fields of the command's JSON object.
 *
 * <p>A command is worth acting on only while its sender waits: one that outlived its wait (a
 * {@code run_workflow} left on a queue while no runner ran, redelivered after a crash) is
 * {@linkplain #expired expired}, and a consumer discards it without acting.
 *
 * @param timestamp local ISO time of sending, the original's field
 * @param sentAt when it was sent, as an ISO instant ({@code 2026-12-02T10:00:00.123Z}), or null
 *     when the sender did not say (the original's clients)
 * @param waitSeconds how long the sender waits for the answer, or null when it did not say
 * @param source who sent it, e.g. {@code cli}, {@code mcp}, {@code status}
 * @param replyTo a reply address given in the body, e.g. {@code /queue/replies.x}, or null
 * @param correlationId echoed in the reply, for senders that cannot set a transport one; or null
 */
public record CommandEnvelope(String timestamp, String sentAt, Double waitSeconds, String source, String replyTo,
        String correlationId) {

    /**
     * How old a command that does not say how long its sender waits may be. The original's clients
     * send theirs at once and wait seconds; anything older was left behind.
     */
    public static final Duration LONGEST_UNSTATED_WAIT = Duration.ofMinutes(5);

    /**
     * An envelope without a stated send instant or wait, as the original's clients send.
     *
     * @param timestamp local ISO time of sending
     * @param source who sent it
     * @param replyTo a reply address given in the body, or null
     * @param correlationId echoed in the reply, or null
     */
    public CommandEnvelope(String timestamp, String source, String replyTo, String correlationId) {
        this(timestamp, null, null, source, replyTo, correlationId);
    }

    /**
     * @param source who sends the command
     * @param wait how long the sender waits for the answer
     * @return the envelope of a command sent now over a transport that carries the reply address
     */
    public static CommandEnvelope sentNowBy(String source, Duration wait) {
        Instant now = Instant.now();
        return new CommandEnvelope(Timestamps.localIso(now), now.toString(), wait.toMillis() / 1000.0, source, null,
                null);
    }

    /**
     * @param now the consumer's time
     * @return whether the sender no longer waits: its stated wait is over, or, when it stated none,
     *     the command is older than {@link #LONGEST_UNSTATED_WAIT}. A command that says neither
     *     when it was sent nor how long its sender waits never expires.
     */
    public boolean expired(Instant now) {
        return deadline().map(now::isAfter).orElse(false);
    }

    /** @return when the sender stops waiting, if the command says enough to know */
    public Optional<Instant> deadline() {
        Optional<Instant> sent = sent();
        if (sent.isEmpty()) {
            return Optional.empty();
        }
        Duration wait = waitSeconds == null || waitSeconds < 0 ? LONGEST_UNSTATED_WAIT
                : Duration.ofMillis(Math.round(waitSeconds * 1000));
        return Optional.of(sent.get().plus(wait));
    }

    /**
     * @param command the command's wire name
     * @return the one line a consumer logs when it discards the command as expired
     */
    public String discardedLine(String command) {
        return "Discarded an expired " + command + (source == null ? "" : " from " + source) + ": sent "
                + sent().map(Instant::toString).orElse("at an unknown time") + ", its sender waited until "
                + deadline().map(Instant::toString).orElse("an unknown time");
    }

    /** @return when it was sent: {@code sent_at}, else the local {@code timestamp} read in this host's zone */
    public Optional<Instant> sent() {
        try {
            if (sentAt != null) {
                return Optional.of(Instant.parse(sentAt));
            }
            if (timestamp != null) {
                return Optional.of(LocalDateTime.parse(timestamp).atZone(ZoneId.systemDefault()).toInstant());
            }
        } catch (DateTimeParseException e) {
            // A time we cannot read says nothing about the command's age.
        }
        return Optional.empty();
    }
}
