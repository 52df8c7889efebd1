package com.metricstream.flink.sink;

import com.metricstream.flink.model.AlertEvent;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Alert events to the alerts topic: key {@code host/rule} (one partition per host and rule keeps order), JSON value. */
public class AlertRecordSerializer implements KafkaRecordSerializationSchema<AlertEvent> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public AlertRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(AlertEvent e, KafkaSinkContext context, Long timestamp) {
        byte[] key = (e.host + "/" + e.rule).getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, e.timestamp, key, e.toJson());
    }
}
