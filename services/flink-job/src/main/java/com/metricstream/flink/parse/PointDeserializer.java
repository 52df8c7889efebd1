package com.metricstream.flink.parse;

import com.metricstream.flink.model.ParsedRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Kafka records of the metrics topic to {@link ParsedRecord}s, in the two formats of
 * {@code docs/wire-format.md} chosen by the {@code ms-format} header: {@code point-json-v1} (also when
 * the header is absent) gives one per record, {@code point-json-lines-v1} one per non-empty line, in
 * line order. Parsing happens in the source (not in a later operator) so that the watermark strategy
 * sees event times per Kafka partition. Malformed records (or lines) are emitted too, flagged with
 * their origin, so the next operator counts them and routes them to a side output; nothing here
 * throws on bad data.
 */
public class PointDeserializer implements KafkaRecordDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private static final byte[] V1 = PointJsonParser.FORMAT_V1.getBytes(StandardCharsets.UTF_8);
    private static final byte[] LINES_V1 = PointJsonParser.FORMAT_LINES_V1.getBytes(StandardCharsets.UTF_8);
    private static final byte LF = '\n';

    private transient PointJsonParser parser;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        parser = new PointJsonParser();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        if (parser == null) parser = new PointJsonParser();
        Header format = record.headers().lastHeader(PointJsonParser.FORMAT_HEADER);
        byte[] f = format == null ? null : format.value();
        if (f == null || Arrays.equals(f, V1)) {
            ParsedRecord parsed = parser.parse(record.value(), null);
            if (!parsed.isValid()) parsed.origin = origin(record);
            out.collect(stamped(parsed, record));
        } else if (Arrays.equals(f, LINES_V1)) {
            deserializeLines(record, out);
        } else {
            out.collect(stamped(ParsedRecord.malformed("unknown format header " + new String(f, StandardCharsets.UTF_8),
                    record.value(), origin(record)), record));
        }
    }

    /**
     * {@code point-json-lines-v1}: every non-empty LF-terminated (or final) line is one point, parsed in
     * place. A malformed line gives one malformed record (its raw value is that line, its origin
     * {@code topic-partition@offset#N}, N the 1-based line number counting empty lines) and does not
     * affect the other lines. A value without any point is one malformed record for the whole record.
     */
    private void deserializeLines(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        byte[] value = record.value();
        int end = value == null ? 0 : value.length;
        int line = 0;
        int emitted = 0;
        int start = 0;
        while (start < end) {
            int lf = start;
            while (lf < end && value[lf] != LF) lf++;
            line++;
            if (lf > start) {
                ParsedRecord parsed = parser.parse(value, start, lf - start, null);
                if (!parsed.isValid()) parsed.origin = origin(record) + '#' + line;
                out.collect(stamped(parsed, record));
                emitted++;
            }
            start = lf + 1;
        }
        if (emitted == 0) {
            out.collect(stamped(ParsedRecord.malformed(end == 0 ? "empty value" : "no points in value", value, origin(record)), record));
        }
    }

    /** The record's Kafka timestamp on what it gave, for the consumer's time lag (PipelineStats); NO_TIMESTAMP (-1) gives 0. */
    private static ParsedRecord stamped(ParsedRecord parsed, ConsumerRecord<?, ?> r) {
        parsed.kafkaTimestampMs = Math.max(0, r.timestamp());
        return parsed;
    }

    private static String origin(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
