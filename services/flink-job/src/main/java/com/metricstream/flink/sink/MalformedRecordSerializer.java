package com.metricstream.flink.sink;

import com.metricstream.flink.model.MalformedRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/** Malformed records to the dead-letter topic: the raw value unchanged, the reason and origin as headers. */
public class MalformedRecordSerializer implements KafkaRecordSerializationSchema<MalformedRecord> {
    private static final long serialVersionUID = 1L;

    public static final String ERROR_HEADER = "ms-error";
    public static final String ORIGIN_HEADER = "ms-origin";

    private final String topic;

    public MalformedRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(MalformedRecord m, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(ERROR_HEADER, String.valueOf(m.error).getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(ORIGIN_HEADER, String.valueOf(m.origin).getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, null, null, m.raw == null ? new byte[0] : m.raw, headers);
    }
}
