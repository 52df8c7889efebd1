package com.metricstream.flink;

import com.metricstream.flink.config.JobConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Builds validated configurations for tests from {@code group.key=value} pairs. */
public final class TestConfigs {
    private TestConfigs() {}

    public static Map<String, Properties> groups(String... keyValues) {
        Map<String, Properties> groups = new HashMap<>();
        put(groups, "kafka.bootstrap.servers", "127.0.0.1:9092");
        put(groups, "kafka.auth.mode", "plaintext");
        for (int i = 0; i + 1 < keyValues.length; i += 2) put(groups, keyValues[i], keyValues[i + 1]);
        return groups;
    }

    public static JobConfig config(String... keyValues) {
        return JobConfig.fromPropertyGroups(groups(keyValues));
    }

    private static void put(Map<String, Properties> groups, String name, String value) {
        int dot = name.indexOf('.');
        Properties p = groups.computeIfAbsent(name.substring(0, dot), g -> new Properties());
        if (value == null) {
            p.remove(name.substring(dot + 1));
        } else {
            p.setProperty(name.substring(dot + 1), value);
        }
    }
}
