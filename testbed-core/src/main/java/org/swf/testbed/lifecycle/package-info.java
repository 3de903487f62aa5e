/**
 * The testbed's lifecycle: one enum of states, observed from supervisord's program states, and one
 * transition function that refuses illegal moves.
 */
package org.swf.testbed.lifecycle;
