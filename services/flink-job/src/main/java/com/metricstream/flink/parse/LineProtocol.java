package com.metricstream.flink.parse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * InfluxDB line-protocol escaping, as used for the series key in {@code docs/wire-format.md}:
 * measurement escapes {@code ,} and space; tag keys, tag values and field keys escape {@code ,},
 * {@code =} and space, each with a backslash.
 */
public final class LineProtocol {
    private LineProtocol() {}

    public static void appendMeasurement(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ') sb.append('\\');
            sb.append(c);
        }
    }

    /** Tag keys, tag values and field keys. */
    public static void appendKey(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '=' || c == ' ') sb.append('\\');
            sb.append(c);
        }
    }

    public static String escapeKey(String s) {
        // Fast path: most names need no escaping.
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '=' || c == ' ') {
                StringBuilder sb = new StringBuilder(s.length() + 4);
                appendKey(sb, s);
                return sb.toString();
            }
        }
        return s;
    }

    /** A string field value: double quotes and backslashes escaped. */
    public static void appendStringField(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        sb.append('"');
    }

    /** Index of the first space not escaped by a backslash, or -1. */
    public static int firstUnescapedSpace(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ' ') {
                return i;
            }
        }
        return -1;
    }

    /** The series key (measurement and tags) of a line: everything before the first unescaped space. */
    public static String seriesKeyOf(String line) {
        int sp = firstUnescapedSpace(line);
        return sp < 0 ? line : line.substring(0, sp);
    }

    /** The unescaped measurement of a series key. */
    public static String measurementOf(String seriesKey) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < seriesKey.length(); i++) {
            char c = seriesKey.charAt(i);
            if (c == '\\' && i + 1 < seriesKey.length()) {
                sb.append(seriesKey.charAt(++i));
            } else if (c == ',') {
                break;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The unescaped tags of a series key, in key order. */
    public static Map<String, String> tagsOf(String seriesKey) {
        Map<String, String> tags = new LinkedHashMap<>();
        int i = 0;
        int n = seriesKey.length();
        // skip the measurement
        while (i < n) {
            char c = seriesKey.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == ',') {
                break;
            } else {
                i++;
            }
        }
        while (i < n && seriesKey.charAt(i) == ',') {
            i++;
            StringBuilder key = new StringBuilder();
            while (i < n && seriesKey.charAt(i) != '=') {
                char c = seriesKey.charAt(i);
                if (c == '\\' && i + 1 < n) c = seriesKey.charAt(++i);
                key.append(c);
                i++;
            }
            i++; // '='
            StringBuilder value = new StringBuilder();
            while (i < n && seriesKey.charAt(i) != ',') {
                char c = seriesKey.charAt(i);
                if (c == '\\' && i + 1 < n) c = seriesKey.charAt(++i);
                value.append(c);
                i++;
            }
            tags.put(key.toString(), value.toString());
        }
        return tags;
    }

    /** Unescape a key escaped by {@link #appendKey}. */
    public static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) c = s.charAt(++i);
            sb.append(c);
        }
        return sb.toString();
    }
}
