package com.metricstream.flink.sink;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Line-protocol lines (window aggregates, alert events) to the aggregates topic, one record per line
 * (docs/wire-format.md): key = the line's series key, so a series stays in one partition and its
 * replays overwrite in order; no explicit timestamp, so the producer stamps the record with the time
 * it was written — what a restore's {@code --reset-offsets --to-datetime} compares a backup's time with.
 */
public class LineRecordSerializer implements KafkaRecordSerializationSchema<String> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public LineRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(String line, KafkaSinkContext context, Long timestamp) {
        String key = seriesKey(line);
        return new ProducerRecord<>(topic, null, null, key.getBytes(StandardCharsets.UTF_8), line.getBytes(StandardCharsets.UTF_8));
    }

    /** Measurement and tags: the line up to its first space not escaped by a backslash. */
    static String seriesKey(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') i++;
            else if (c == ' ') return line.substring(0, i);
        }
        return line;
    }
}
