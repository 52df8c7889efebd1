package com.metricstream.flink.model;

import com.metricstream.flink.parse.LineProtocol;

/**
 * The aggregate of one field of one series over one tumbling event-time window
 * [windowStart, windowEnd). Written to InfluxDB as one line, timestamped with the window start:
 * re-emitting the same window (late data within the allowed lateness, replay after a restart)
 * overwrites the same point, which makes the at-least-once sink idempotent.
 */
public class WindowAggregate {
    public String seriesKey;
    /** Escaped field key. */
    public String field;
    public long windowStart;
    public long windowEnd;
    public long count;
    public double min;
    public double max;
    public double sum;
    public double last;

    public WindowAggregate() {}

    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** {@code <series> f_count=3i,f_min=..,f_max=..,f_sum=..,f_mean=..,f_last=.. <windowStart ms>}. */
    public String toLineProtocol() {
        StringBuilder sb = new StringBuilder(seriesKey.length() + field.length() * 6 + 160);
        sb.append(seriesKey).append(' ');
        sb.append(field).append("_count=").append(count).append('i');
        appendFloat(sb, "_min", min);
        appendFloat(sb, "_max", max);
        appendFloat(sb, "_sum", sum);
        appendFloat(sb, "_mean", mean());
        appendFloat(sb, "_last", last);
        sb.append(' ').append(windowStart);
        return sb.toString();
    }

    private void appendFloat(StringBuilder sb, String suffix, double v) {
        if (Double.isFinite(v)) { // line protocol has no NaN/Infinity: leave the field out
            sb.append(',').append(field).append(suffix).append('=').append(v);
        }
    }

    /** The unescaped field name. */
    public String fieldName() {
        return LineProtocol.unescape(field);
    }

    @Override
    public String toString() {
        return toLineProtocol();
    }
}
