package com.metricstream.flink.model;

import com.metricstream.flink.parse.LineProtocol;

import java.nio.charset.StandardCharsets;

/**
 * A change of alert state for one host and rule: {@code firing} at a severity (warning or critical),
 * or {@code resolved} (severity = the level that was resolved). Timestamped with the end of the
 * window that caused it.
 */
public class AlertEvent {
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public String rule;
    public String host;
    public String severity;
    public String state;
    public double value;
    public double threshold;
    public String measurement;
    public String field;
    public String series;
    /** Start of the first window of the breach (firing) or 0. */
    public long since;
    public long timestamp;
    /** Why: "threshold" or "no data" (state expired without a window). */
    public String reason;

    public AlertEvent() {}

    /** Measurement {@code alerts}: rule, host, severity, state as tags; timestamp in ms. */
    public String toLineProtocol() {
        StringBuilder sb = new StringBuilder(200);
        sb.append("alerts,host=");
        LineProtocol.appendKey(sb, host.isEmpty() ? "unknown" : host);
        sb.append(",rule=");
        LineProtocol.appendKey(sb, rule);
        sb.append(",severity=").append(severity).append(",state=").append(state);
        sb.append(" value=").append(Double.isFinite(value) ? value : 0.0);
        if (Double.isFinite(threshold)) sb.append(",threshold=").append(threshold);
        sb.append(",measurement=");
        LineProtocol.appendStringField(sb, measurement);
        sb.append(",field=");
        LineProtocol.appendStringField(sb, field);
        sb.append(",series=");
        LineProtocol.appendStringField(sb, series == null ? "" : series);
        sb.append(",reason=");
        LineProtocol.appendStringField(sb, reason == null ? "" : reason);
        sb.append(",since=").append(since).append('i');
        sb.append(' ').append(timestamp);
        return sb.toString();
    }

    /** The JSON value written to the alerts topic. */
    public byte[] toJson() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"rule\":");
        json(sb, rule);
        sb.append(",\"host\":");
        json(sb, host);
        sb.append(",\"severity\":");
        json(sb, severity);
        sb.append(",\"state\":");
        json(sb, state);
        sb.append(",\"value\":").append(Double.isFinite(value) ? Double.toString(value) : "null");
        sb.append(",\"threshold\":").append(Double.isFinite(threshold) ? Double.toString(threshold) : "null");
        sb.append(",\"measurement\":");
        json(sb, measurement);
        sb.append(",\"field\":");
        json(sb, field);
        sb.append(",\"series\":");
        json(sb, series == null ? "" : series);
        sb.append(",\"reason\":");
        json(sb, reason == null ? "" : reason);
        sb.append(",\"since\":").append(since);
        sb.append(",\"ts\":").append(timestamp).append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void json(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return rule + "/" + host + " " + state + " " + severity + " value=" + value + " @" + timestamp;
    }
}
