package com.metricstream.flink.sink;

import com.metricstream.flink.config.JobConfig;
import com.metricstream.flink.parse.LineProtocol;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Buffers lines per InfluxDB node — each line goes to every node of its series' replica set
 * ({@link HashRing}) — and writes a node's buffer when it reaches {@code influx.batch.size} lines,
 * every {@code influx.flush.interval}, and on {@link #flush} (before every checkpoint and at end of
 * input). Every call, timers included, runs on the task's mailbox thread; a flush of several nodes
 * sends their batches in parallel (one thread per node) and waits for all of them, so the mailbox
 * thread still owns the buffers and nothing is shared while requests are in flight.
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
    /** One thread per node for parallel flushes; requests only, never the buffers. */
    private final ExecutorService nodeWriters;
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
        this.nodeWriters = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "influx-sink-" + database);
            t.setDaemon(true);
            return t;
        });
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
        List<Integer> pending = new ArrayList<>();
        for (int node = 0; node < buffers.length; node++) if (counts[node] > 0) pending.add(node);
        if (pending.size() == 1) {
            flushNode(pending.get(0));
            return;
        }
        // Several nodes: their requests (and retries) run in parallel; the buffers stay ours.
        List<Future<InfluxHttpWriter.Result>> results = new ArrayList<>();
        for (int node : pending) {
            byte[] body = buffers[node].toString().getBytes(StandardCharsets.UTF_8);
            results.add(nodeWriters.submit(() -> client.write(node, body)));
        }
        IOException failure = null;
        for (int i = 0; i < pending.size(); i++) {
            int node = pending.get(i);
            try {
                written(node, results.get(i).get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof InterruptedException) throw (InterruptedException) cause;
                IOException io = cause instanceof IOException ? (IOException) cause : new IOException(cause);
                if (failure == null) failure = io; else failure.addSuppressed(io);
            }
        }
        reportRetries();
        if (failure != null) throw failure;
    }

    private void flushNode(int node) throws IOException, InterruptedException {
        if (counts[node] == 0) return;
        byte[] body = buffers[node].toString().getBytes(StandardCharsets.UTF_8);
        try {
            written(node, client.write(node, body));
        } finally {
            reportRetries();
        }
    }

    /** A node's batch is done: count it and clear the buffer. A failed write keeps its batch (and fails the task). */
    private void written(int node, InfluxHttpWriter.Result r) {
        (r == InfluxHttpWriter.Result.WRITTEN ? written : rejected).inc(counts[node]);
        buffers[node].setLength(0);
        counts[node] = 0;
    }

    private void reportRetries() {
        long total = client.retries.get();
        retries.inc(total - retriesReported);
        retriesReported = total;
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
        nodeWriters.shutdownNow();
        client.close();
    }
}
