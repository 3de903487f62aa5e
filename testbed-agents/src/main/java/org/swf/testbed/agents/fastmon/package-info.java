/**
 * The fastmon agent: registers the time-frame files of every STF ({@code tf_file_registered}),
 * with their ranges computed locally.
 */
package org.swf.testbed.agents.fastmon;
