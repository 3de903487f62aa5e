/**
 * How every part of a testbed home reaches its broker: the embedded broker's login (generated once,
 * owner-only) and ports (standard when free, the home's own otherwise, recorded), an external
 * broker's URL, login and CA file, and the {@code ACTIVEMQ_*} variables programs get. A home never
 * adopts a broker it did not start.
 */
package org.swf.testbed.access;
