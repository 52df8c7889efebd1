package com.metricstream.flink.it;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * InfluxDB goes down for a while: the sink's writes fail, the job fails its checkpoint/task and
 * restarts from the last completed checkpoint, again and again, until InfluxDB is back; then every
 * window is there. Uses its own InfluxDB on port 8087 (scripts/influx with INFLUX_PORT) so the
 * shared one on 8086 stays up for everyone else.
 */
class InfluxDownIT extends JobITBase {
    private static final Map<String, String> OWN_INFLUX = Map.of("INFLUX_PORT", "8087");

    @BeforeAll
    static void startOwnInflux() throws Exception {
        LocalServices.script("scripts/influx/start.sh", OWN_INFLUX);
    }

    @AfterAll
    static void removeOwnInflux() throws Exception {
        LocalServices.script("scripts/influx/stop.sh", OWN_INFLUX, "--purge");
    }

    @BeforeEach
    void useOwnInflux() {
        influxUrl = "http://127.0.0.1:8087";
    }

    private List<ProducerRecord<byte[], byte[]>> minute(int m) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            out.add(LocalServices.point(metricsTopic, null, "net", Map.of("host", "edge-1"), Map.of("bytes_recv", (double) (m * 100 + i)),
                    T0 + m * MIN + i * 5_000));
        }
        return out;
    }

    @Test
    void nothingIsLostWhileInfluxDbIsDown() throws Exception {
        JobClient job = start(config(
                "influx.max.retries", "2",
                "influx.retry.initial.backoff", "100 ms",
                "influx.retry.max.backoff", "200 ms",
                "influx.request.timeout", "2 s"));

        LocalServices.send(minute(0));
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + MIN + 5_000));
        LocalServices.await("minute 0 in InfluxDB", Duration.ofSeconds(60), () -> windows("net", "").size() == 1);

        LocalServices.script("scripts/influx/stop.sh", OWN_INFLUX);
        for (int m = 1; m <= 3; m++) LocalServices.send(minute(m));
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + 4 * MIN + 5_000));

        // Down for a while: windows 1-3 fire, their writes fail, the job restarts from its last
        // checkpoint over and over — but it must not give up.
        Thread.sleep(8_000);
        JobStatus during = job.getJobStatus().get(10, TimeUnit.SECONDS);
        assertThat(during).isIn(JobStatus.RUNNING, JobStatus.RESTARTING, JobStatus.CREATED, JobStatus.INITIALIZING);

        LocalServices.script("scripts/influx/start.sh", OWN_INFLUX);
        // Data keeps flowing in production; here a tick moves the watermark of the restored job.
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + 6 * MIN));

        LocalServices.await("minutes 0-3 in InfluxDB", Duration.ofSeconds(120), () -> windows("net", "").size() == 4);
        var net = windows("net", "");
        for (int m = 0; m <= 3; m++) {
            var w = net.get(T0 + m * MIN);
            assertThat(w.get("bytes_recv_count").asLong()).as("minute %d count", m).isEqualTo(5);
            assertThat(w.get("bytes_recv_sum").asDouble()).as("minute %d sum", m).isEqualTo(m * 500 + 15);
        }
    }
}
