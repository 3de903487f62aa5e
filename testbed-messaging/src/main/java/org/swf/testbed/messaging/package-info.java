/**
 * The {@link org.swf.testbed.port.MessageBus} over AMQP 1.0 with Qpid JMS: bounded connects,
 * SCRAM-only logins over plain {@code amqp://}, a CA file for {@code amqps://}, request/reply, and
 * reconnection for long-lived programs; every failure in one sentence with a redacted URL.
 */
package org.swf.testbed.messaging;
