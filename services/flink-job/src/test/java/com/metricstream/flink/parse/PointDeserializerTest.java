package com.metricstream.flink.parse;

import com.metricstream.flink.model.ParsedRecord;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The two record formats of docs/wire-format.md: {@code point-json-v1} and {@code point-json-lines-v1}. */
class PointDeserializerTest {
    private static final String CPU_A = "{\"v\":1,\"m\":\"cpu\",\"t\":{\"host\":\"a\",\"cpu\":\"cpu-total\"},"
            + "\"f\":{\"usage_active\":71.5,\"procs\":{\"i\":\"312\"},\"state\":\"ok\"},\"ts\":\"60000000000\",\"rcv\":60001}";
    private static final String MEM_B = "{\"v\":1,\"m\":\"mem\",\"t\":{\"host\":\"b\"},\"f\":{\"used_percent\":81.5},\"ts\":\"61500000000\"}";
    private static final String CPU_A_LATER = "{\"v\":1,\"m\":\"cpu\",\"t\":{\"cpu\":\"cpu-total\",\"host\":\"a\"},"
            + "\"f\":{\"usage_active\":12.25},\"ts\":\"120000000000\",\"db\":\"telegraf\"}";
    /** A newline inside a string is escaped by JSON, so it never splits a line. */
    private static final String ESCAPED_LF = "{\"v\":1,\"m\":\"log\",\"t\":{\"src\":\"a\"},\"f\":{\"msg\":\"line 1\\nline 2\",\"n\":{\"u\":\"7\"}},\"ts\":\"180000000000\"}";

    private final PointDeserializer deserializer = new PointDeserializer();

    private List<ParsedRecord> deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<ParsedRecord> out = new ArrayList<>();
        deserializer.deserialize(record, new ListCollector<>(out));
        return out;
    }

    private static ConsumerRecord<byte[], byte[]> record(String format, long offset, String key, byte[] value) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("metrics", 3, offset,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
        if (format != null) r.headers().add(new RecordHeader("ms-format", format.getBytes(StandardCharsets.UTF_8)));
        return r;
    }

    private static ConsumerRecord<byte[], byte[]> lines(long offset, String value) {
        return record(PointJsonParser.FORMAT_LINES_V1, offset, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static ConsumerRecord<byte[], byte[]> v1(long offset, String key, String value) {
        return record(PointJsonParser.FORMAT_V1, offset, key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything a valid point carries, as one comparable string. */
    private static String point(ParsedRecord r) {
        assertThat(r.error).as("error of %s", r.origin).isNull();
        StringBuilder sb = new StringBuilder(r.seriesKey).append(' ');
        for (int i = 0; i < r.fieldKeys.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(r.fieldKeys[i]).append('=').append(r.fieldValues[i]);
        }
        return sb.append(" @").append(r.timestampMs).toString();
    }

    private static List<String> points(List<ParsedRecord> rs) {
        return rs.stream().map(PointDeserializerTest::point).collect(Collectors.toList());
    }

    @Test
    void theHeaderConstantsAreTheWireFormatNames() {
        assertThat(PointJsonParser.FORMAT_HEADER).isEqualTo("ms-format");
        assertThat(PointJsonParser.FORMAT_V1).isEqualTo("point-json-v1");
        assertThat(PointJsonParser.FORMAT_LINES_V1).isEqualTo("point-json-lines-v1");
    }

    @Test
    void severalPointsInOneRecordComeOutInOrderAndEqualToTheSamePointsAsV1Records() {
        List<ParsedRecord> packed = deserialize(lines(42, String.join("\n", CPU_A, MEM_B, CPU_A_LATER, ESCAPED_LF)));

        List<ParsedRecord> single = new ArrayList<>();
        single.addAll(deserialize(v1(10, "cpu,cpu=cpu-total,host=a", CPU_A)));
        single.addAll(deserialize(v1(11, "mem,host=b", MEM_B)));
        single.addAll(deserialize(v1(12, "cpu,cpu=cpu-total,host=a", CPU_A_LATER)));
        single.addAll(deserialize(v1(13, "log,src=a", ESCAPED_LF)));

        assertThat(points(packed)).containsExactly(
                "cpu,cpu=cpu-total,host=a usage_active=71.5,procs=312.0 @60000",
                "mem,host=b used_percent=81.5 @61500",
                "cpu,cpu=cpu-total,host=a usage_active=12.25 @120000",
                "log,src=a n=7.0 @180000");
        assertThat(points(packed)).isEqualTo(points(single));
        assertThat(packed).allSatisfy(r -> {
            assertThat(r.raw).isNull();
            assertThat(r.origin).isNull();
        });
    }

    @Test
    void everyRecordItGivesCarriesTheKafkaTimestampForTheConsumerLag() {
        ConsumerRecord<byte[], byte[]> packed = new ConsumerRecord<>("metrics", 0, 5, 1_800_000_000_123L, org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                0, 0, null, (CPU_A + "\n{bad\n" + MEM_B).getBytes(StandardCharsets.UTF_8), new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
        packed.headers().add(new RecordHeader("ms-format", PointJsonParser.FORMAT_LINES_V1.getBytes(StandardCharsets.UTF_8)));
        assertThat(deserialize(packed)).extracting(r -> r.kafkaTimestampMs).containsExactly(1_800_000_000_123L, 1_800_000_000_123L, 1_800_000_000_123L);
        // A record without a timestamp (NO_TIMESTAMP, -1) gives 0: no lag is measured from it.
        assertThat(deserialize(v1(1, null, CPU_A))).extracting(r -> r.kafkaTimestampMs).containsExactly(0L);
    }

    @Test
    void aTrailingLfAndEmptyLinesAreIgnored() {
        assertThat(points(deserialize(lines(1, CPU_A + "\n")))).containsExactly(
                "cpu,cpu=cpu-total,host=a usage_active=71.5,procs=312.0 @60000");
        assertThat(points(deserialize(lines(2, "\n" + MEM_B + "\n\n\n" + CPU_A_LATER + "\n\n")))).containsExactly(
                "mem,host=b used_percent=81.5 @61500",
                "cpu,cpu=cpu-total,host=a usage_active=12.25 @120000");
    }

    @Test
    void aMalformedMiddleLineIsOneMalformedRecordWithItsLineNumberAndItsNeighboursParse() {
        String bad = "{\"v\":1,\"m\":\"mem\"";
        List<ParsedRecord> out = deserialize(lines(77, CPU_A + "\n" + bad + "\n" + MEM_B));

        assertThat(out).hasSize(3);
        assertThat(point(out.get(0))).isEqualTo("cpu,cpu=cpu-total,host=a usage_active=71.5,procs=312.0 @60000");
        assertThat(out.get(1).isValid()).isFalse();
        assertThat(out.get(1).error).startsWith("not JSON");
        assertThat(out.get(1).origin).isEqualTo("metrics-3@77#2");
        assertThat(new String(out.get(1).raw, StandardCharsets.UTF_8)).isEqualTo(bad);
        assertThat(point(out.get(2))).isEqualTo("mem,host=b used_percent=81.5 @61500");
    }

    @Test
    void lineNumbersCountEmptyLinesAndEachMalformedLineIsReportedOnItsOwn() {
        String noVersion = "{\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"1\"}";
        String twoObjects = MEM_B + " {}";
        List<ParsedRecord> out = deserialize(lines(5, "\n" + noVersion + "\n\n" + CPU_A + "\n" + twoObjects + "\n"));

        assertThat(out).extracting(r -> r.error, r -> r.origin).containsExactly(
                tuple("v missing", "metrics-3@5#2"),
                tuple(null, null),
                tuple("trailing data after the object", "metrics-3@5#5"));
        assertThat(new String(out.get(0).raw, StandardCharsets.UTF_8)).isEqualTo(noVersion);
        assertThat(new String(out.get(2).raw, StandardCharsets.UTF_8)).isEqualTo(twoObjects);
        assertThat(point(out.get(1))).isEqualTo("cpu,cpu=cpu-total,host=a usage_active=71.5,procs=312.0 @60000");
    }

    @Test
    void aLinesRecordWithoutAnyPointIsOneMalformedRecord() {
        List<ParsedRecord> empty = deserialize(lines(8, ""));
        assertThat(empty).extracting(r -> r.error, r -> r.origin)
                .containsExactly(tuple("empty value", "metrics-3@8"));

        List<ParsedRecord> onlyLfs = deserialize(lines(9, "\n\n"));
        assertThat(onlyLfs).extracting(r -> r.error, r -> r.origin)
                .containsExactly(tuple("no points in value", "metrics-3@9"));

        List<ParsedRecord> nullValue = deserialize(record(PointJsonParser.FORMAT_LINES_V1, 10, null, null));
        assertThat(nullValue).extracting(r -> r.error, r -> r.origin)
                .containsExactly(tuple("empty value", "metrics-3@10"));
    }

    @Test
    void anUnknownHeaderIsStillOneMalformedRecord() {
        String value = CPU_A + "\n" + MEM_B;
        List<ParsedRecord> out = deserialize(record("point-json-lines-v2", 6, null, value.getBytes(StandardCharsets.UTF_8)));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).error).isEqualTo("unknown format header point-json-lines-v2");
        assertThat(out.get(0).origin).isEqualTo("metrics-3@6");
        assertThat(new String(out.get(0).raw, StandardCharsets.UTF_8)).isEqualTo(value);
    }

    @Test
    void v1IsUnchangedOnePointPerRecordWithOrWithoutTheHeader() {
        assertThat(points(deserialize(v1(1, "mem,host=b", MEM_B)))).containsExactly("mem,host=b used_percent=81.5 @61500");
        assertThat(points(deserialize(record(null, 2, "mem,host=b", MEM_B.getBytes(StandardCharsets.UTF_8)))))
                .containsExactly("mem,host=b used_percent=81.5 @61500");

        // a v1 value is one object: two LF-separated objects are not split, the record is malformed
        String two = MEM_B + "\n" + CPU_A;
        List<ParsedRecord> out = deserialize(v1(3, null, two));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).error).isEqualTo("trailing data after the object");
        assertThat(out.get(0).origin).isEqualTo("metrics-3@3");
        assertThat(new String(out.get(0).raw, StandardCharsets.UTF_8)).isEqualTo(two);

        List<ParsedRecord> bad = deserialize(v1(4, "x", "{\"v\":1,"));
        assertThat(bad).extracting(r -> r.origin).containsExactly("metrics-3@4");
    }
}
