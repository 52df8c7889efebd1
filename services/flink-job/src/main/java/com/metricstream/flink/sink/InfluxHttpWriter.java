package com.metricstream.flink.sink;

import com.metricstream.flink.config.JobConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Posts line-protocol batches to InfluxDB's v1-compatible {@code POST /write} (served by InfluxDB
 * 1.x, 2.x and 3.x), with retries. Thread-safe for concurrent writes to different nodes.
 *
 * <ul>
 *   <li>2xx: written.</li>
 *   <li>Connection errors, timeouts, 5xx and 429: retried with exponential backoff (429/503
 *       {@code Retry-After} honoured up to the maximum backoff), then {@link IOException}.</li>
 *   <li>404 "database not found": the database is created once ({@code CREATE DATABASE}) and the write retried.</li>
 *   <li>400 (InfluxDB rejected points as invalid, e.g. a field type conflict; the valid ones of a
 *       partial write are stored): logged, counted, not retried — retrying cannot succeed.</li>
 *   <li>Other 4xx (401, 403, 413, …): configuration errors, {@link IOException} at once.</li>
 * </ul>
 */
public class InfluxHttpWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxHttpWriter.class);

    /** Outcome of one batch. */
    public enum Result { WRITTEN, REJECTED }

    private final List<String> endpoints;
    private final String database;
    private final String writeQuery;
    private final String token;
    private final boolean gzip;
    private final boolean createDatabases;
    private final int maxRetries;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final Duration timeout;
    private final HttpClient http;
    private final boolean[] databaseCreated;
    /** Retries made so far (for the sink's metric). */
    public final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();

    public InfluxHttpWriter(JobConfig.Influx cfg, String database) {
        this.endpoints = List.copyOf(cfg.endpoints);
        this.database = database;
        StringBuilder q = new StringBuilder("/write?db=").append(URLEncoder.encode(database, StandardCharsets.UTF_8)).append("&precision=ms");
        if (!cfg.retentionPolicy.isEmpty()) q.append("&rp=").append(URLEncoder.encode(cfg.retentionPolicy, StandardCharsets.UTF_8));
        this.writeQuery = q.toString();
        this.token = cfg.token;
        this.gzip = cfg.gzip;
        this.createDatabases = cfg.createDatabases;
        this.maxRetries = cfg.maxRetries;
        this.initialBackoffMs = cfg.retryInitialBackoff.toMillis();
        this.maxBackoffMs = cfg.retryMaxBackoff.toMillis();
        this.timeout = cfg.requestTimeout;
        this.databaseCreated = new boolean[endpoints.size()];
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    public String endpoint(int node) {
        return endpoints.get(node);
    }

    /** Write newline-separated lines to one node; returns once written or rejected, throws when it cannot. */
    public Result write(int node, byte[] lines) throws IOException, InterruptedException {
        byte[] body = gzip ? gzip(lines) : lines;
        String endpoint = endpoints.get(node);
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(endpoint + writeQuery))
                .timeout(timeout)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (gzip) rb.header("Content-Encoding", "gzip");
        if (!token.isEmpty()) rb.header("Authorization", "Token " + token);
        HttpRequest request = rb.build();

        String lastError = "";
        long backoff = initialBackoffMs;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (attempt > 0) {
                retries.incrementAndGet();
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, maxBackoffMs);
            }
            HttpResponse<String> resp;
            try {
                resp = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                LOG.warn("InfluxDB {} write failed (attempt {}/{}): {}", endpoint, attempt + 1, maxRetries + 1, lastError);
                continue;
            }
            int status = resp.statusCode();
            if (status / 100 == 2) return Result.WRITTEN;
            String msg = resp.body() == null ? "" : resp.body().trim();
            lastError = "HTTP " + status + " " + msg;
            if (status == 429 || status >= 500) {
                LOG.warn("InfluxDB {} answered {} (attempt {}/{})", endpoint, lastError, attempt + 1, maxRetries + 1);
                long retryAfter = retryAfterMs(resp);
                if (retryAfter > 0) backoff = Math.min(Math.max(backoff, retryAfter), maxBackoffMs);
                continue;
            }
            if (status == 404 && msg.contains("database not found") && createDatabases && !databaseCreated[node]) {
                createDatabase(node);
                databaseCreated[node] = true;
                attempt--; // creating the database is not a failed attempt
                backoff = initialBackoffMs;
                continue;
            }
            if (status == 400) {
                LOG.error("InfluxDB {} rejected points of database {}: {}", endpoint, database, msg);
                return Result.REJECTED;
            }
            throw new IOException("InfluxDB " + endpoint + " refused writes to database " + database + ": " + lastError);
        }
        throw new IOException("InfluxDB " + endpoint + " unavailable after " + (maxRetries + 1) + " attempts: " + lastError);
    }

    private void createDatabase(int node) throws IOException, InterruptedException {
        String endpoint = endpoints.get(node);
        String q = "q=" + URLEncoder.encode("CREATE DATABASE \"" + database + "\"", StandardCharsets.UTF_8);
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(endpoint + "/query"))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(q));
        if (!token.isEmpty()) rb.header("Authorization", "Token " + token);
        HttpResponse<String> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() / 100 != 2) {
            throw new IOException("InfluxDB " + endpoint + ": CREATE DATABASE " + database + " failed: HTTP " + resp.statusCode() + " " + resp.body());
        }
        LOG.info("InfluxDB {}: created database {}", endpoint, database);
    }

    private static long retryAfterMs(HttpResponse<?> resp) {
        return resp.headers().firstValue("Retry-After").map(v -> {
            try {
                return Long.parseLong(v.trim()) * 1000L;
            } catch (NumberFormatException e) {
                return 0L;
            }
        }).orElse(0L);
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(data.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(bos, 8192)) {
            gz.write(data);
        }
        return bos.toByteArray();
    }

    @Override
    public void close() {
        // java.net.http.HttpClient (Java 17) has no close(); its connections go with the instance.
    }
}
