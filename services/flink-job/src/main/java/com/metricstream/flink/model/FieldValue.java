package com.metricstream.flink.model;

/**
 * One numeric field value of one point. {@code key} is the series key, a space and the escaped field
 * key — the window key, computed once at parse time (the first unescaped space separates the two).
 */
public class FieldValue {
    public String key;
    public double value;
    public long timestampMs;

    public FieldValue() {}

    public FieldValue(String key, double value, long timestampMs) {
        this.key = key;
        this.value = value;
        this.timestampMs = timestampMs;
    }

    public String getKey() {
        return key;
    }

    @Override
    public String toString() {
        return key + "=" + value + "@" + timestampMs;
    }
}
