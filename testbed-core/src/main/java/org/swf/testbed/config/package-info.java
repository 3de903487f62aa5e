/**
 * The testbed configuration: finding a config by name, reading and validating its TOML (only
 * {@link org.swf.testbed.config.TomlConfigParser} imports the TOML library), and merging workflow
 * parameters the way the original does.
 */
package org.swf.testbed.config;
