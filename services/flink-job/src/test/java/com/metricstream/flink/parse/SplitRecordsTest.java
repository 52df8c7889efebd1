package com.metricstream.flink.parse;

import com.metricstream.flink.model.FieldValue;
import com.metricstream.flink.model.MalformedRecord;
import com.metricstream.flink.model.ParsedRecord;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class SplitRecordsTest {

    private static List<ParsedRecord> deserialize(ConsumerRecord<byte[], byte[]> record) throws Exception {
        PointDeserializer d = new PointDeserializer();
        d.open(null);
        List<ParsedRecord> out = new ArrayList<>();
        d.deserialize(record, new ListCollector<>(out));
        return out;
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String value) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("metrics", 3, offset, null, value.getBytes(StandardCharsets.UTF_8));
        r.headers().add(new RecordHeader("ms-format", "point-json-v1".getBytes(StandardCharsets.UTF_8)));
        return r;
    }

    @Test
    void validPointsSplitPerFieldAndMalformedRecordsGoToTheSideOutput() throws Exception {
        List<ParsedRecord> parsed = new ArrayList<>();
        parsed.addAll(deserialize(record(10, "{\"v\":1,\"m\":\"mem\",\"t\":{\"host\":\"a\"},\"f\":{\"used_percent\":81.5,\"free\":{\"i\":\"1024\"},\"note\":\"x\"},\"ts\":\"120000000000\"}")));
        parsed.addAll(deserialize(record(11, "{\"v\":1,\"m\":\"mem\"")));
        parsed.addAll(deserialize(record(12, "{\"v\":1,\"m\":\"cpu\",\"t\":{\"host\":\"b\"},\"f\":{\"usage_active\":3},\"ts\":\"180000000000\"}")));

        try (OneInputStreamOperatorTestHarness<ParsedRecord, FieldValue> h = ProcessFunctionTestHarnesses.forProcessFunction(new SplitRecords())) {
            for (ParsedRecord r : parsed) h.processElement(r, r.isValid() ? r.timestampMs : 0);

            assertThat(h.extractOutputValues().stream().map(FieldValue::toString).collect(Collectors.toList())).containsExactly(
                    "mem,host=a used_percent=81.5@120000", "mem,host=a free=1024.0@120000", "cpu,host=b usage_active=3.0@180000");
            List<MalformedRecord> malformed = h.getSideOutput(SplitRecords.MALFORMED).stream().map(StreamRecord::getValue).collect(Collectors.toList());
            assertThat(malformed).hasSize(1);
            assertThat(malformed.get(0).error).startsWith("not JSON");
            assertThat(malformed.get(0).origin).isEqualTo("metrics-3@11");
            assertThat(new String(malformed.get(0).raw, StandardCharsets.UTF_8)).isEqualTo("{\"v\":1,\"m\":\"mem\"");
        }
    }

    @Test
    void anUnknownFormatHeaderIsMalformed() throws Exception {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("metrics", 0, 5, null,
                "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"1\"}".getBytes(StandardCharsets.UTF_8));
        r.headers().add(new RecordHeader("ms-format", "point-avro-v9".getBytes(StandardCharsets.UTF_8)));
        List<ParsedRecord> out = deserialize(r);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).error).isEqualTo("unknown format header point-avro-v9");
        assertThat(out.get(0).origin).isEqualTo("metrics-0@5");
    }

    @Test
    void aRecordWithoutTheHeaderIsParsedByItsVersionMember() throws Exception {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("metrics", 0, 5, null,
                "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"1000000\"}".getBytes(StandardCharsets.UTF_8));
        List<ParsedRecord> out = deserialize(r);
        assertThat(out.get(0).isValid()).isTrue();
        assertThat(out.get(0).timestampMs).isEqualTo(1L);
    }
}
