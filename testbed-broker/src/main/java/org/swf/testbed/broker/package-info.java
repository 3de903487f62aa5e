/**
 * The embedded ActiveMQ Artemis broker: AMQP and STOMP acceptors on loopback, a login required on
 * both (users in memory, SCRAM or PLAIN on AMQP), per-address permissions, optional TLS on AMQP,
 * and bounded memory: a limit per address, a cap on message size ({@link org.swf.testbed.broker.BrokerLimits}).
 */
package org.swf.testbed.broker;
