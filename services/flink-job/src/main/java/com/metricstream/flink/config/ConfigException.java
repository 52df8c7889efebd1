package com.metricstream.flink.config;

/** An invalid or missing configuration property; the message names the property (group.key). */
public class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
