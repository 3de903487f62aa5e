/**
 * The testbed's lifecycle: one enum of states, observed from supervisord's program states, and one
 * transition function that refuses illegal moves; and the {@link
 * org.swf.testbed.lifecycle.ShutdownBudget} within which every supervised program shuts down.
 */
package org.swf.testbed.lifecycle;
