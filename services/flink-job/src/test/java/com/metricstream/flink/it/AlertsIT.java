package com.metricstream.flink.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CPU series crossing the default thresholds fires warning, then critical, then resolves: JSON on
 * the alerts topic and line protocol on the aggregates topic (what the InfluxDB nodes load). The job
 * has no InfluxDB to write to at all (JobITBase configures none), so storage cannot hold alerts back.
 */
class AlertsIT extends JobITBase {

    @Test
    void cpuAboveThresholdsFiresAndResolves() throws Exception {
        // per minute mean usage_active of web-1: 5 min at 75 % (warning after 5 min > 70 %),
        // 2 min at 95 % (critical after 2 min > 90 %), then 20 % (resolved)
        double[] minutes = {75, 75, 75, 75, 75, 95, 95, 20, 20};
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int m = 0; m < minutes.length; m++) {
            for (int s = 0; s < 3; s++) {  // three points a minute, same mean
                records.add(LocalServices.point(metricsTopic, null, "cpu", Map.of("host", "web-1", "cpu", "cpu-total"),
                        Map.of("usage_active", minutes[m] + (s - 1)), T0 + m * MIN + s * 20_000));
            }
            // a healthy host and a per-core series (no cpu=cpu-total) must not alert
            records.add(LocalServices.point(metricsTopic, null, "cpu", Map.of("host", "web-2", "cpu", "cpu-total"),
                    Map.of("usage_active", 12.0), T0 + m * MIN + 1_000));
            records.add(LocalServices.point(metricsTopic, null, "cpu", Map.of("host", "web-2", "cpu", "cpu0"),
                    Map.of("usage_active", 99.0), T0 + m * MIN + 1_000));
        }
        LocalServices.send(records);
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + 12 * MIN));

        start(config());

        List<ConsumerRecord<byte[], byte[]>> got = LocalServices.read(alertsTopic, 3, Duration.ofSeconds(60));
        ObjectMapper json = new ObjectMapper();
        List<String> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            JsonNode e = json.readTree(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("web-1/cpu");
            events.add(e.get("state").asText() + " " + e.get("severity").asText() + " at " + (e.get("ts").asLong() - T0) / MIN
                    + " value " + e.get("value").asDouble());
        }
        assertThat(events).containsExactly(
                "firing warning at 5 value 75.0",
                "firing critical at 7 value 95.0",
                "resolved critical at 8 value 20.0");

        LocalServices.await("3 alert lines on the aggregates topic", Duration.ofSeconds(30),
                () -> LocalServices.points(aggregateRecords()).getOrDefault("alerts", Map.of()).size() == 3);
        List<String> rows = LocalServices.points(aggregateRecords()).get("alerts").values().stream()
                .sorted((a, b) -> Long.compare(a.get("time").asLong(), b.get("time").asLong()))
                .map(r -> r.get("host").asText() + " " + r.get("rule").asText() + " " + r.get("state").asText() + " "
                        + r.get("severity").asText() + " at " + (r.get("time").asLong() - T0) / MIN + " threshold " + r.get("threshold").asDouble())
                .collect(Collectors.toList());
        assertThat(rows).containsExactly(
                "web-1 cpu firing warning at 5 threshold 70.0",
                "web-1 cpu firing critical at 7 threshold 90.0",
                "web-1 cpu resolved critical at 8 threshold 90.0");
    }
}
