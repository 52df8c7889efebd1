package com.metricstream.flink.parse;

import com.metricstream.flink.model.ParsedRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/**
 * Kafka records of the metrics topic to {@link ParsedRecord}s, one per record. Parsing happens in the
 * source (not in a later operator) so that the watermark strategy sees event times per Kafka
 * partition. Malformed records are emitted too, flagged, so the next operator counts them and routes
 * them to a side output; nothing here throws on bad data.
 */
public class PointDeserializer implements KafkaRecordDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private transient PointJsonParser parser;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        parser = new PointJsonParser();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        if (parser == null) parser = new PointJsonParser();
        Header format = record.headers().lastHeader(PointJsonParser.FORMAT_HEADER);
        if (format != null && format.value() != null) {
            String f = new String(format.value(), StandardCharsets.UTF_8);
            if (!PointJsonParser.FORMAT_V1.equals(f)) {
                out.collect(ParsedRecord.malformed("unknown format header " + f, record.value(), origin(record)));
                return;
            }
        }
        ParsedRecord parsed = parser.parse(record.value(), null);
        if (!parsed.isValid()) parsed.origin = origin(record);
        out.collect(parsed);
    }

    private static String origin(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
