package com.metricstream.flink.sink;

import com.metricstream.flink.config.JobConfig;
import com.metricstream.flink.parse.LineProtocol;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Buffers lines per InfluxDB node — each line goes to every node of its series' replica set
 * ({@link HashRing}) — and writes a node's buffer when it reaches {@code influx.batch.size} lines,
 * every {@code influx.flush.interval}, and on {@link #flush} (before every checkpoint and at end of
 * input). Every call, timers included, runs on the task's mailbox thread, so no locking is needed.
 * A write that cannot complete throws, which fails the checkpoint (or the task) and makes Flink
 * restart from the last completed checkpoint: nothing acknowledged upstream is lost.
 */
public class InfluxSinkWriter implements SinkWriter<String> {
    private final InfluxHttpWriter client;
    private final HashRing ring;
    private final int batchSize;
    private final long flushIntervalMs;
    private final ProcessingTimeService timers;
    private final StringBuilder[] buffers;
    private final int[] counts;
    private final Counter written;
    private final Counter rejected;
    private final Counter retries;
    private long retriesReported;
    private boolean closed;

    public InfluxSinkWriter(JobConfig.Influx cfg, String database, ProcessingTimeService timers, MetricGroup metrics) {
        this.client = new InfluxHttpWriter(cfg, database);
        this.ring = new HashRing(cfg.endpoints, cfg.replicationFactor);
        this.batchSize = cfg.batchSize;
        this.flushIntervalMs = cfg.flushInterval.toMillis();
        this.timers = timers;
        int n = cfg.endpoints.size();
        this.buffers = new StringBuilder[n];
        this.counts = new int[n];
        for (int i = 0; i < n; i++) buffers[i] = new StringBuilder(64 * 1024);
        this.written = metrics.counter("influxPointsWritten");
        this.rejected = metrics.counter("influxPointsRejected");
        this.retries = metrics.counter("influxWriteRetries");
        scheduleFlush();
    }

    @Override
    public void write(String line, Context context) throws IOException, InterruptedException {
        int[] nodes = ring.replicasFor(LineProtocol.seriesKeyOf(line));
        for (int node : nodes) {
            buffers[node].append(line).append('\n');
            if (++counts[node] >= batchSize) flushNode(node);
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        for (int node = 0; node < buffers.length; node++) flushNode(node);
    }

    private void flushNode(int node) throws IOException, InterruptedException {
        if (counts[node] == 0) return;
        byte[] body = buffers[node].toString().getBytes(StandardCharsets.UTF_8);
        int lines = counts[node];
        try {
            InfluxHttpWriter.Result r = client.write(node, body);
            (r == InfluxHttpWriter.Result.WRITTEN ? written : rejected).inc(lines);
        } finally {
            retries.inc(client.retries - retriesReported);
            retriesReported = client.retries;
        }
        // Cleared only once written: a failed write keeps the batch, and the failure restarts the task.
        buffers[node].setLength(0);
        counts[node] = 0;
    }

    private void scheduleFlush() {
        timers.registerTimer(timers.getCurrentProcessingTime() + flushIntervalMs, now -> {
            if (closed) return;
            flush(false);
            scheduleFlush();
        });
    }

    /** Lines buffered for a node (tests). */
    int buffered(int node) {
        return counts[node];
    }

    @Override
    public void close() {
        // No flush here: close also runs on cancellation and failure; the pre-checkpoint and
        // end-of-input flushes are what the delivery guarantee rests on.
        closed = true;
        client.close();
    }
}
