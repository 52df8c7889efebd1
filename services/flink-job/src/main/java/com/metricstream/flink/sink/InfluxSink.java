package com.metricstream.flink.sink;

import com.metricstream.flink.config.JobConfig;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Flink Sink V2 for InfluxDB line protocol: each element is one line (measurement, tags, fields,
 * timestamp in ms). At-least-once: the writer flushes everything it buffers before each checkpoint
 * barrier ({@link SinkWriter#flush}) and fails the checkpoint when it cannot, so a restart replays
 * from a checkpoint whose data InfluxDB already acknowledged. Replays rewrite the same points
 * (same series and timestamp), which InfluxDB overwrites, so duplicates do not show.
 */
public class InfluxSink implements Sink<String> {
    private static final long serialVersionUID = 1L;

    private final JobConfig.Influx config;
    private final String database;

    public InfluxSink(JobConfig.Influx config, String database) {
        this.config = config;
        this.database = database;
    }

    @Override
    public SinkWriter<String> createWriter(WriterInitContext context) {
        return new InfluxSinkWriter(config, database, context.getProcessingTimeService(), context.metricGroup());
    }
}
