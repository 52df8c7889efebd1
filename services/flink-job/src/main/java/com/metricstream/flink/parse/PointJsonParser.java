package com.metricstream.flink.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.metricstream.flink.model.ParsedRecord;

import java.io.IOException;
import java.util.Arrays;

/**
 * Parses one point of the {@code point-json} format, version 1 ({@code docs/wire-format.md}): a whole
 * {@code point-json-v1} record value, or one line of a {@code point-json-lines-v1} value parsed in place.
 *
 * <p>Streaming (token) parsing on purpose: this runs once per record, and reading members into
 * locals avoids building a tree per record. Never throws for bad input: a malformed record comes
 * back as {@link ParsedRecord#malformed} with the reason, as the contract asks.
 *
 * <p>Not thread-safe (reuses small scratch arrays); one instance per deserializer instance.
 */
public final class PointJsonParser {
    public static final String FORMAT_HEADER = "ms-format";
    /** One point per record, keyed by series key. */
    public static final String FORMAT_V1 = "point-json-v1";
    /** One or more {@link #FORMAT_V1} values per record, separated by LF; null key. */
    public static final String FORMAT_LINES_V1 = "point-json-lines-v1";

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
            .build();

    // Scratch space for tags and numeric fields of the record being parsed.
    private String[] tagKeys = new String[16];
    private String[] tagValues = new String[16];
    private String[] fieldKeys = new String[16];
    private double[] fieldValues = new double[16];
    /** The record parsed by the last {@link #parseInto} that returned no error. */
    private ParsedRecord result;

    /** Parse a record value; {@code origin} only labels malformed records. */
    public ParsedRecord parse(byte[] value, String origin) {
        if (value == null) return ParsedRecord.malformed("empty value", null, origin);
        return parse(value, 0, value.length, origin);
    }

    /**
     * Parse the value in {@code buf[offset, offset + length)} in place (no copy unless malformed: a
     * malformed record's {@code raw} is exactly that range). {@code origin} only labels malformed records.
     */
    public ParsedRecord parse(byte[] buf, int offset, int length, String origin) {
        if (length == 0) {
            return ParsedRecord.malformed("empty value", raw(buf, offset, length), origin);
        }
        try (JsonParser p = JSON.createParser(buf, offset, length)) {
            String error = parseInto(p);
            if (error != null) {
                return ParsedRecord.malformed(error, raw(buf, offset, length), origin);
            }
            return result;
        } catch (IOException | RuntimeException e) {
            return ParsedRecord.malformed("not JSON: " + firstLine(e.getMessage()), raw(buf, offset, length), origin);
        }
    }

    private static byte[] raw(byte[] buf, int offset, int length) {
        return offset == 0 && length == buf.length ? buf : Arrays.copyOfRange(buf, offset, offset + length);
    }

    /** Returns the reason a record is malformed, or null with {@link #result} set. */
    private String parseInto(JsonParser p) throws IOException {
        result = null;
        if (p.nextToken() != JsonToken.START_OBJECT) return "not a JSON object";
        int version = -1;
        String measurement = null;
        String ts = null;
        int tagCount = 0;
        int numericCount = 0;
        int fieldCount = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken vt = p.nextToken();
            switch (name) {
                case "v":
                    if (vt != JsonToken.VALUE_NUMBER_INT) return "v is not an integer";
                    version = p.getIntValue();
                    break;
                case "m":
                    if (vt != JsonToken.VALUE_STRING) return "m is not a string";
                    measurement = p.getText();
                    break;
                case "ts":
                    if (vt != JsonToken.VALUE_STRING) return "ts is not a string";
                    ts = p.getText();
                    break;
                case "t":
                    if (vt != JsonToken.START_OBJECT) return "t is not an object";
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        if (p.nextToken() != JsonToken.VALUE_STRING) return "tag " + k + " is not a string";
                        String v = p.getText();
                        if (v.isEmpty() || k.isEmpty()) continue; // line protocol has no empty tags
                        if (tagCount == tagKeys.length) {
                            tagKeys = Arrays.copyOf(tagKeys, tagCount * 2);
                            tagValues = Arrays.copyOf(tagValues, tagCount * 2);
                        }
                        tagKeys[tagCount] = k;
                        tagValues[tagCount] = v;
                        tagCount++;
                    }
                    break;
                case "f":
                    if (vt != JsonToken.START_OBJECT) return "f is not an object";
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        JsonToken ft = p.nextToken();
                        fieldCount++;
                        double d;
                        if (ft == JsonToken.VALUE_NUMBER_FLOAT || ft == JsonToken.VALUE_NUMBER_INT) {
                            d = p.getDoubleValue();
                        } else if (ft == JsonToken.START_OBJECT) {
                            // {"i":"42"} signed or {"u":"42"} unsigned 64-bit integer as a decimal string
                            if (p.nextToken() != JsonToken.FIELD_NAME) return "field " + k + ": empty integer object";
                            String kind = p.currentName();
                            if (p.nextToken() != JsonToken.VALUE_STRING) return "field " + k + ": integer is not a string";
                            String digits = p.getText();
                            if (p.nextToken() != JsonToken.END_OBJECT) return "field " + k + ": unexpected member";
                            try {
                                if ("i".equals(kind)) {
                                    d = Long.parseLong(digits);
                                } else if ("u".equals(kind)) {
                                    long u = Long.parseUnsignedLong(digits);
                                    d = u >= 0 ? (double) u : (double) (u >>> 1) * 2.0 + (u & 1);
                                } else {
                                    return "field " + k + ": unknown integer kind " + kind;
                                }
                            } catch (NumberFormatException e) {
                                return "field " + k + ": bad integer " + digits;
                            }
                        } else if (ft == JsonToken.VALUE_STRING || ft == JsonToken.VALUE_TRUE || ft == JsonToken.VALUE_FALSE) {
                            continue; // strings and booleans are not aggregated
                        } else {
                            return "field " + k + ": unsupported value";
                        }
                        if (k.isEmpty()) continue;
                        if (numericCount == fieldKeys.length) {
                            fieldKeys = Arrays.copyOf(fieldKeys, numericCount * 2);
                            fieldValues = Arrays.copyOf(fieldValues, numericCount * 2);
                        }
                        fieldKeys[numericCount] = k;
                        fieldValues[numericCount] = d;
                        numericCount++;
                    }
                    break;
                default:
                    p.skipChildren(); // rcv, db and members a later compatible version may add
            }
        }
        if (t != JsonToken.END_OBJECT) return "not a JSON object";
        if (p.nextToken() != null) return "trailing data after the object";
        if (version < 0) return "v missing";
        if (version != 1) return "unknown version v=" + version;
        if (measurement == null || measurement.isEmpty()) return "m missing or empty";
        if (fieldCount == 0) return "f missing or empty";
        if (ts == null) return "ts missing";
        long tsMs = parseNanosToMillis(ts);
        if (tsMs == Long.MIN_VALUE) return "ts is not a decimal integer: " + ts;

        String[] keys = new String[numericCount];
        double[] values = Arrays.copyOf(fieldValues, numericCount);
        for (int i = 0; i < numericCount; i++) keys[i] = LineProtocol.escapeKey(fieldKeys[i]);
        result = ParsedRecord.valid(seriesKey(measurement, tagCount), tsMs, keys, values);
        return null;
    }

    /** Measurement, then tags sorted by key, escaped (the wire format's series key). */
    private String seriesKey(String measurement, int tagCount) {
        // insertion sort: a handful of tags, usually already sorted by the ingest service
        for (int i = 1; i < tagCount; i++) {
            String k = tagKeys[i];
            String v = tagValues[i];
            int j = i - 1;
            while (j >= 0 && tagKeys[j].compareTo(k) > 0) {
                tagKeys[j + 1] = tagKeys[j];
                tagValues[j + 1] = tagValues[j];
                j--;
            }
            tagKeys[j + 1] = k;
            tagValues[j + 1] = v;
        }
        StringBuilder sb = new StringBuilder(64);
        LineProtocol.appendMeasurement(sb, measurement);
        for (int i = 0; i < tagCount; i++) {
            sb.append(',');
            LineProtocol.appendKey(sb, tagKeys[i]);
            sb.append('=');
            LineProtocol.appendKey(sb, tagValues[i]);
        }
        return sb.toString();
    }

    /** Decimal-digit nanoseconds to epoch milliseconds; Long.MIN_VALUE when not decimal digits. */
    static long parseNanosToMillis(String s) {
        int n = s.length();
        if (n == 0 || n > 19) return Long.MIN_VALUE;
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return Long.MIN_VALUE;
            v = v * 10 + (c - '0');
            if (v < 0) return Long.MIN_VALUE; // overflow
        }
        return v / 1_000_000L;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
