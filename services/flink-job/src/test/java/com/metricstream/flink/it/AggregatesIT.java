package com.metricstream.flink.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Records produced to Kafka come out of InfluxDB as the right per-series window aggregates. */
class AggregatesIT extends JobITBase {

    @Test
    void pointsBecomeOneMinuteAggregatesInInfluxDb() throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, String> web1 = Map.of("host", "web-1", "cpu", "cpu-total");
        // minute 0: 10, 30, 20 (the last by event time is 20, though 30 is produced last)
        records.add(LocalServices.point(metricsTopic, null, "cpu", web1, Map.of("usage_active", 10.0, "procs", 7L), T0 + 5_000));
        records.add(LocalServices.point(metricsTopic, null, "cpu", web1, Map.of("usage_active", 20.0, "procs", 9L), T0 + 45_000));
        records.add(LocalServices.point(metricsTopic, null, "cpu", web1, Map.of("usage_active", 30.0, "procs", 8L, "state", "ok"), T0 + 25_000));
        // minute 1
        records.add(LocalServices.point(metricsTopic, null, "cpu", web1, Map.of("usage_active", 40.0), T0 + MIN + 1_000));
        records.add(LocalServices.point(metricsTopic, null, "cpu", web1, Map.of("usage_active", 60.0), T0 + MIN + 2_000));
        // another series, with a tag value that line protocol must escape
        records.add(LocalServices.point(metricsTopic, null, "mem", Map.of("host", "db 1"), Map.of("used_percent", 81.5), T0 + 10_000));
        LocalServices.send(records);
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + 3 * MIN));

        start(config());

        LocalServices.await("two cpu windows in InfluxDB", Duration.ofSeconds(60),
                () -> windows("cpu", "").size() == 2 && windows("mem", "").size() == 1);

        Map<Long, Map<String, JsonNode>> cpu = windows("cpu", "");
        Map<String, JsonNode> m0 = cpu.get(T0);
        assertThat(m0.get("host").asText()).isEqualTo("web-1");
        assertThat(m0.get("cpu").asText()).isEqualTo("cpu-total");
        assertThat(m0.get("usage_active_count").asLong()).isEqualTo(3);
        assertThat(m0.get("usage_active_min").asDouble()).isEqualTo(10.0);
        assertThat(m0.get("usage_active_max").asDouble()).isEqualTo(30.0);
        assertThat(m0.get("usage_active_sum").asDouble()).isEqualTo(60.0);
        assertThat(m0.get("usage_active_mean").asDouble()).isEqualTo(20.0);
        assertThat(m0.get("usage_active_last").asDouble()).isEqualTo(20.0);
        assertThat(m0.get("procs_count").asLong()).isEqualTo(3);
        assertThat(m0.get("procs_mean").asDouble()).isEqualTo(8.0);
        assertThat(m0.get("procs_last").asDouble()).isEqualTo(9.0);
        assertThat(m0).doesNotContainKey("state_count");  // strings are not aggregated

        Map<String, JsonNode> m1 = cpu.get(T0 + MIN);
        assertThat(m1.get("usage_active_count").asLong()).isEqualTo(2);
        assertThat(m1.get("usage_active_mean").asDouble()).isEqualTo(50.0);
        JsonNode noProcs = m1.get("procs_count");
        assertThat(noProcs == null || noProcs.isNull()).as("no procs field in minute 1").isTrue();

        Map<String, JsonNode> mem = windows("mem", "").get(T0);
        assertThat(mem.get("host").asText()).isEqualTo("db 1");
        assertThat(mem.get("used_percent_last").asDouble()).isEqualTo(81.5);
    }
}
