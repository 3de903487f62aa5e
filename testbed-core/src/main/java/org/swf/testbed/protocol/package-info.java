/**
 * What goes over the broker: destinations, message types, the wire records with the original's
 * field names, and the JSON codec that is the only place that turns them into and out of text.
 */
package org.swf.testbed.protocol;
