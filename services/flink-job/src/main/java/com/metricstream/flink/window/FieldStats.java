package com.metricstream.flink.window;

/** Window accumulator for one series field: a POJO of primitives (cheap to serialize in state). */
public class FieldStats {
    public long count;
    public double min = Double.POSITIVE_INFINITY;
    public double max = Double.NEGATIVE_INFINITY;
    public double sum;
    public double last;
    /** Event time of {@link #last}; the latest point wins, ties go to the later arrival. */
    public long lastTimestamp = Long.MIN_VALUE;

    public FieldStats() {}
}
