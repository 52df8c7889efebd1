package com.metricstream.flink.sink;

import com.metricstream.flink.TestConfigs;
import com.metricstream.flink.config.JobConfig;
import com.sun.net.httpserver.HttpServer;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sink writer's HTTP behaviour against a loopback HTTP server that records requests and answers
 * with scripted status codes (the status paths a healthy InfluxDB never takes: 5xx, 429, 400, 401).
 * Writes to a real InfluxDB are covered by the integration tests.
 */
class InfluxSinkWriterTest {
    /** A recorded request. */
    record Req(String method, String uri, String encoding, String auth, String body) {
        List<String> lines() {
            return body.isEmpty() ? List.of() : Arrays.asList(body.split("\n"));
        }
    }

    /** One scripted InfluxDB node. */
    static final class Node implements AutoCloseable {
        final HttpServer server;
        final List<Req> requests = Collections.synchronizedList(new ArrayList<>());
        final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
        final Queue<String> bodies = new ConcurrentLinkedQueue<>();

        Node() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                byte[] raw = ex.getRequestBody().readAllBytes();
                String enc = ex.getRequestHeaders().getFirst("Content-Encoding");
                InputStream in = "gzip".equals(enc) ? new GZIPInputStream(new ByteArrayInputStream(raw)) : new ByteArrayInputStream(raw);
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                requests.add(new Req(ex.getRequestMethod(), ex.getRequestURI().toString(), enc, ex.getRequestHeaders().getFirst("Authorization"), body));
                Integer status = statuses.poll();
                String answer = bodies.poll();
                byte[] out = answer == null ? new byte[0] : answer.getBytes(StandardCharsets.UTF_8);
                int code = status == null ? 204 : status;
                if (code == 429) ex.getResponseHeaders().add("Retry-After", "0");
                ex.sendResponseHeaders(code, code == 204 ? -1 : out.length);
                if (code != 204) ex.getResponseBody().write(out);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<Req> writes() {
            synchronized (requests) {
                return requests.stream().filter(r -> r.uri.startsWith("/write")).toList();
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final TestProcessingTimeService time = new TestProcessingTimeService();

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    private InfluxSinkWriter writer(int nodeCount, String... extra) throws IOException {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            Node n = new Node();
            nodes.add(n);
            urls.add(n.url());
        }
        List<String> kv = new ArrayList<>(List.of("influx.endpoints", String.join(",", urls),
                "influx.retry.initial.backoff", "1 ms", "influx.retry.max.backoff", "5 ms", "influx.flush.interval", "1 s"));
        kv.addAll(List.of(extra));
        JobConfig cfg = TestConfigs.config(kv.toArray(new String[0]));
        return new InfluxSinkWriter(cfg.influx, "metrics", time, UnregisteredMetricsGroup.createSinkWriterMetricGroup());
    }

    private static String line(int i) {
        return "cpu,host=h" + i + " usage_active_mean=" + i + ".5 60000";
    }

    @Test
    void batchesBySizeGzippedWithDatabasePrecisionAndToken() throws Exception {
        InfluxSinkWriter w = writer(1, "influx.batch.size", "3", "influx.token", "s3cret");
        for (int i = 0; i < 7; i++) w.write(line(i), null);

        List<Req> writes = nodes.get(0).writes();
        assertThat(writes).hasSize(2);
        assertThat(writes.get(0).uri()).isEqualTo("/write?db=metrics&precision=ms");
        assertThat(writes.get(0).encoding()).isEqualTo("gzip");
        assertThat(writes.get(0).auth()).isEqualTo("Token s3cret");
        assertThat(writes.get(0).lines()).containsExactly(line(0), line(1), line(2));
        assertThat(writes.get(1).lines()).containsExactly(line(3), line(4), line(5));

        w.flush(false);  // what the writer does before every checkpoint barrier
        assertThat(nodes.get(0).writes()).hasSize(3);
        assertThat(nodes.get(0).writes().get(2).lines()).containsExactly(line(6));
        w.flush(false);  // nothing buffered: no empty request
        assertThat(nodes.get(0).writes()).hasSize(3);
        w.close();
    }

    @Test
    void flushesOnTheFlushIntervalTimer() throws Exception {
        InfluxSinkWriter w = writer(1, "influx.gzip", "false");
        w.write(line(1), null);
        assertThat(nodes.get(0).writes()).isEmpty();
        time.setCurrentTime(1_000);
        assertThat(nodes.get(0).writes()).hasSize(1);
        assertThat(nodes.get(0).writes().get(0).encoding()).isNull();
        w.write(line(2), null);
        time.setCurrentTime(2_000);  // the timer re-arms itself
        assertThat(nodes.get(0).writes()).hasSize(2);
        w.close();
    }

    @Test
    void retriesServerErrorsAndThrottlingThenSucceeds() throws Exception {
        InfluxSinkWriter w = writer(1);
        nodes.get(0).statuses.addAll(List.of(503, 500, 429));
        w.write(line(1), null);
        w.flush(false);
        assertThat(nodes.get(0).writes()).hasSize(4).allSatisfy(r -> assertThat(r.lines()).containsExactly(line(1)));
        assertThat(w.buffered(0)).isZero();
        w.close();
    }

    @Test
    void givesUpAfterMaxRetriesKeepsTheBatchAndThrowsSoTheCheckpointFails() throws Exception {
        InfluxSinkWriter w = writer(1, "influx.max.retries", "2");
        for (int i = 0; i < 3; i++) nodes.get(0).statuses.add(503);
        w.write(line(1), null);
        assertThatThrownBy(() -> w.flush(false)).isInstanceOf(IOException.class)
                .hasMessageContaining("unavailable after 3 attempts").hasMessageContaining("HTTP 503");
        assertThat(w.buffered(0)).isEqualTo(1);
        w.flush(false);  // InfluxDB is back: the kept batch goes out
        assertThat(nodes.get(0).writes()).hasSize(4);
        assertThat(w.buffered(0)).isZero();
        w.close();
    }

    @Test
    void oneNodeDownFailsTheFlushButTheOtherNodesBatchIsWrittenAndOnlyTheFailedOneKept() throws Exception {
        InfluxSinkWriter w = writer(2, "influx.replication.factor", "2", "influx.max.retries", "1");
        nodes.get(1).statuses.addAll(List.of(503, 503));
        w.write(line(1), null);
        w.write(line(2), null);
        assertThatThrownBy(() -> w.flush(false)).isInstanceOf(IOException.class).hasMessageContaining(nodes.get(1).url());
        assertThat(w.buffered(0)).isZero();
        assertThat(w.buffered(1)).isEqualTo(2);
        assertThat(nodes.get(0).writes()).hasSize(1);
        w.flush(false);  // node 1 is back
        assertThat(nodes.get(1).writes()).hasSize(3);
        assertThat(nodes.get(1).writes().get(2).lines()).containsExactly(line(1), line(2));
        assertThat(nodes.get(0).writes()).hasSize(1);
        w.close();
    }

    @Test
    void connectionRefusedIsRetriedThenFails() throws Exception {
        InfluxSinkWriter w = writer(1, "influx.max.retries", "1");
        nodes.get(0).close();  // nothing listens any more
        w.write(line(1), null);
        assertThatThrownBy(() -> w.flush(false)).isInstanceOf(IOException.class).hasMessageContaining("unavailable after 2 attempts");
        w.close();
    }

    @Test
    void rejectedPointsAreDroppedNotRetried() throws Exception {
        InfluxSinkWriter w = writer(1);
        nodes.get(0).statuses.add(400);
        nodes.get(0).bodies.add("{\"error\":\"partial write: field type conflict\"}");
        w.write(line(1), null);
        w.flush(false);
        assertThat(nodes.get(0).writes()).hasSize(1);
        assertThat(w.buffered(0)).isZero();
        w.close();
    }

    @Test
    void authorizationErrorsFailAtOnce() throws Exception {
        InfluxSinkWriter w = writer(1);
        nodes.get(0).statuses.add(401);
        nodes.get(0).bodies.add("{\"error\":\"authorization failed\"}");
        w.write(line(1), null);
        assertThatThrownBy(() -> w.flush(false)).hasMessageContaining("refused writes to database metrics: HTTP 401");
        assertThat(nodes.get(0).writes()).hasSize(1);
        w.close();
    }

    @Test
    void aMissingDatabaseIsCreatedAndTheWriteRetried() throws Exception {
        InfluxSinkWriter w = writer(1);
        nodes.get(0).statuses.add(404);
        nodes.get(0).bodies.add("{\"error\":\"database not found: \\\"metrics\\\"\"}");
        w.write(line(1), null);
        w.flush(false);
        List<Req> all = nodes.get(0).requests;
        assertThat(all).extracting(Req::uri).containsExactly("/write?db=metrics&precision=ms", "/query", "/write?db=metrics&precision=ms");
        assertThat(all.get(1).body()).isEqualTo("q=CREATE+DATABASE+%22metrics%22");
        w.close();
    }

    @Test
    void eachSeriesIsWrittenToItsReplicaSet() throws Exception {
        InfluxSinkWriter w = writer(3, "influx.replication.factor", "2");
        int series = 300;
        for (int i = 0; i < series; i++) w.write(line(i), null);
        w.flush(false);

        HashRing ring = new HashRing(nodes.stream().map(Node::url).toList(), 2);
        int total = 0;
        for (int n = 0; n < 3; n++) {
            List<String> got = new ArrayList<>();
            nodes.get(n).writes().forEach(r -> got.addAll(r.lines()));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < series; i++) {
                for (int r : ring.replicasFor("cpu,host=h" + i)) if (r == n) expected.add(line(i));
            }
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(got.size()).as("node %d holds a fair share", n).isBetween(series * 2 / 3 - 60, series * 2 / 3 + 60);
            total += got.size();
        }
        assertThat(total).isEqualTo(series * 2);
        w.close();
    }
}
