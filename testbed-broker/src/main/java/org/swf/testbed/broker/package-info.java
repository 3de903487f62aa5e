/**
 * The embedded ActiveMQ Artemis broker: AMQP and STOMP acceptors on loopback, a login required on
 * both (users in memory, SCRAM or PLAIN on AMQP), per-address permissions, and optional TLS on AMQP.
 */
package org.swf.testbed.broker;
