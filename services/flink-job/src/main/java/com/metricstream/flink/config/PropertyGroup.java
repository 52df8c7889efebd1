package com.metricstream.flink.config;

import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validated reads from one property group (a Managed Flink "PropertyGroupId"). Remembers the
 * keys read so that {@link #rejectUnknown()} can reject typos. Every error names {@code group.key}.
 */
final class PropertyGroup {
    private final String group;
    private final Properties props;
    private final Set<String> read = new HashSet<>();

    PropertyGroup(String group, Properties props) {
        this.group = group;
        this.props = props == null ? new Properties() : props;
    }

    String name(String key) {
        return group + "." + key;
    }

    boolean has(String key) {
        read.add(key);
        String v = props.getProperty(key);
        return v != null && !v.isBlank();
    }

    String string(String key, String dflt) {
        read.add(key);
        String v = props.getProperty(key);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    String required(String key) {
        String v = string(key, null);
        if (v == null) throw new ConfigException(name(key) + " is required");
        return v;
    }

    String oneOf(String key, String dflt, String... allowed) {
        String v = string(key, dflt);
        if (v == null) return null;
        for (String a : allowed) if (a.equalsIgnoreCase(v)) return a;
        throw new ConfigException(name(key) + " (" + v + ") must be one of " + Arrays.toString(allowed));
    }

    int integer(String key, int dflt, int min, int max) {
        String v = string(key, null);
        if (v == null) return dflt;
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(name(key) + " (" + v + ") is not an integer");
        }
        if (n < min || n > max) throw new ConfigException(name(key) + " (" + n + ") must be between " + min + " and " + max);
        return n;
    }

    Double number(String key, Double dflt) {
        String v = string(key, null);
        if (v == null) return dflt;
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException(name(key) + " (" + v + ") is not a finite number");
        }
    }

    boolean bool(String key, boolean dflt) {
        String v = string(key, null);
        if (v == null) return dflt;
        if ("true".equalsIgnoreCase(v)) return true;
        if ("false".equalsIgnoreCase(v)) return false;
        throw new ConfigException(name(key) + " (" + v + ") must be true or false");
    }

    /** A duration like "1 min", "30 s", "500 ms" or plain milliseconds. */
    Duration duration(String key, Duration dflt, Duration min, Duration max) {
        String v = string(key, null);
        Duration d;
        if (v == null) {
            d = dflt;
        } else {
            try {
                d = TimeUtils.parseDuration(v);
            } catch (RuntimeException e) {
                throw new ConfigException(name(key) + " (" + v + ") is not a duration (e.g. \"1 min\", \"30 s\", \"500 ms\")");
            }
        }
        if (d == null) return null;
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException(name(key) + " (" + v + ") must be between " + TimeUtils.formatWithHighestUnit(min)
                    + " and " + TimeUtils.formatWithHighestUnit(max));
        }
        return d;
    }

    List<String> list(String key, List<String> dflt) {
        String v = string(key, null);
        if (v == null) return dflt;
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) if (!s.isBlank()) out.add(s.trim());
        return out;
    }

    Set<String> keys() {
        return props.stringPropertyNames();
    }

    void markRead(String key) {
        read.add(key);
    }

    void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(props.stringPropertyNames());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (String k : unknown) names.add(name(k));
            throw new ConfigException("unknown properties " + names + " (misspelt?)");
        }
    }
}
