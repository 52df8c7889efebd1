package com.metricstream.flink.window;

import com.metricstream.flink.model.FieldValue;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Incremental count/min/max/sum/last of one series field; the window keeps only the accumulator. */
public class FieldStatsAggregate implements AggregateFunction<FieldValue, FieldStats, FieldStats> {
    private static final long serialVersionUID = 1L;

    @Override
    public FieldStats createAccumulator() {
        return new FieldStats();
    }

    @Override
    public FieldStats add(FieldValue v, FieldStats acc) {
        acc.count++;
        if (v.value < acc.min) acc.min = v.value;
        if (v.value > acc.max) acc.max = v.value;
        acc.sum += v.value;
        if (v.timestampMs >= acc.lastTimestamp) {
            acc.last = v.value;
            acc.lastTimestamp = v.timestampMs;
        }
        return acc;
    }

    @Override
    public FieldStats getResult(FieldStats acc) {
        return acc;
    }

    @Override
    public FieldStats merge(FieldStats a, FieldStats b) {
        FieldStats m = new FieldStats();
        m.count = a.count + b.count;
        m.min = Math.min(a.min, b.min);
        m.max = Math.max(a.max, b.max);
        m.sum = a.sum + b.sum;
        FieldStats later = b.lastTimestamp >= a.lastTimestamp ? b : a;
        m.last = later.last;
        m.lastTimestamp = later.lastTimestamp;
        return m;
    }
}
