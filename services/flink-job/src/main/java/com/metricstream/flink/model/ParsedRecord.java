package com.metricstream.flink.model;

/**
 * One point of the metrics topic after parsing (a record, or one line of a point-json-lines-v1 record):
 * either a valid point (series key, event time, its numeric fields) or a malformed record (reason and
 * raw bytes), never both. A POJO so Flink serializes it without Kryo.
 */
public class ParsedRecord {
    /** Series key as in docs/wire-format.md: escaped measurement and sorted, escaped tags. */
    public String seriesKey;
    /** Event time in epoch milliseconds (the record's {@code ts} nanoseconds, floored). */
    public long timestampMs;
    /** Escaped field keys of the numeric fields; strings and booleans are not carried. */
    public String[] fieldKeys;
    public double[] fieldValues;

    /** Non-null for a malformed record: why it was set aside. */
    public String error;
    /** The raw value (or line) of a malformed record (null for valid ones). */
    public byte[] raw;
    /** topic-partition@offset (#N: line N of a point-json-lines-v1 record) of a malformed record, for the dead-letter header. */
    public String origin;
    /** The Kafka record's timestamp (ms; 0 when it has none), for the consumer's time lag (PipelineStats). */
    public long kafkaTimestampMs;

    public ParsedRecord() {}

    public static ParsedRecord valid(String seriesKey, long timestampMs, String[] keys, double[] values) {
        ParsedRecord r = new ParsedRecord();
        r.seriesKey = seriesKey;
        r.timestampMs = timestampMs;
        r.fieldKeys = keys;
        r.fieldValues = values;
        return r;
    }

    public static ParsedRecord malformed(String error, byte[] raw, String origin) {
        ParsedRecord r = new ParsedRecord();
        r.error = error;
        r.raw = raw;
        r.origin = origin;
        return r;
    }

    public boolean isValid() {
        return error == null;
    }
}
