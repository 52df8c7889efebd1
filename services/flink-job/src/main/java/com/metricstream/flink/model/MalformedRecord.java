package com.metricstream.flink.model;

/** A record set aside by the parser: why, where from, and its raw value (for the dead-letter topic). */
public class MalformedRecord {
    public String error;
    public String origin;
    public byte[] raw;

    public MalformedRecord() {}

    public MalformedRecord(String error, String origin, byte[] raw) {
        this.error = error;
        this.origin = origin;
        this.raw = raw;
    }

    @Override
    public String toString() {
        return "MalformedRecord{" + error + " at " + origin + "}";
    }
}
