package com.metricstream.flink.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.metricstream.flink.stats.PipelineStats;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records produced to the metrics topic come out on the aggregates topic as the right per-series
 * window aggregates: one record per line, keyed by its series, each line exactly once in a clean run.
 */
class AggregatesIT extends JobITBase {

    @Test
    void pointsBecomeOneMinuteAggregatesOnTheAggregatesTopic() throws Exception {
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

        // The memory rule without its 5-minute "for" (the deployed default, as the CloudWatch alarms):
        // this test is about one window's aggregates and the alert line they give.
        start(config("alerts.rule.memory.warning.for", "0 s", "alerts.rule.memory.critical.for", "0 s"));

        LocalServices.await("two cpu windows, a mem window and its alert", Duration.ofSeconds(60),
                () -> windows("cpu").size() == 2 && windows("mem").size() == 1 && windows("alerts").size() == 1);

        // exactly one line per series, field and window (usage_active and procs in minute 0, usage_active
        // in minute 1, used_percent of mem) and the memory warning db 1's 81.5 % fires (> 80 %) at the
        // end of its window; each record one line keyed by its series key
        List<ConsumerRecord<byte[], byte[]>> got = aggregateRecords();
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            String line = new String(r.value(), StandardCharsets.UTF_8);
            assertThat(line).doesNotContain("\n");
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(line).startsWith(key + " ");
            String fields = line.substring(key.length() + 1);
            lines.add(key + " " + fields.substring(0, fields.indexOf('=')) + " " + line.substring(line.lastIndexOf(' ') + 1));
        }
        assertThat(lines).containsExactlyInAnyOrder(
                "cpu,cpu=cpu-total,host=web-1 usage_active_count " + T0,
                "cpu,cpu=cpu-total,host=web-1 procs_count " + T0,
                "cpu,cpu=cpu-total,host=web-1 usage_active_count " + (T0 + MIN),
                "mem,host=db\\ 1 used_percent_count " + T0,
                "alerts,host=db\\ 1,rule=memory,severity=warning,state=firing value " + (T0 + MIN));

        Map<Long, Map<String, JsonNode>> cpu = windows("cpu");
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

        Map<String, JsonNode> mem = windows("mem").get(T0);
        assertThat(mem.get("host").asText()).isEqualTo("db 1");
        assertThat(mem.get("used_percent_last").asDouble()).isEqualTo(81.5);

        // Next to them, each source subtask's statistics every job.stats.interval (1 s here): the records
        // read (all of them, over the subtasks), their lag behind Kafka, the watermark's, and checkpoints.
        LocalServices.await("the job's statistics count every record and a completed checkpoint", Duration.ofSeconds(30), () -> {
            long in = 0, checkpoints = 0;
            for (Map<String, JsonNode> p : LocalServices.points(statsRecords()).getOrDefault(PipelineStats.MEASUREMENT, Map.of()).values()) {
                in += p.get("records_in").asLong();
                checkpoints += p.get("checkpoints_completed").asLong();
            }
            return in == records.size() + PARTITIONS && checkpoints > 0;
        });
        List<Map<String, JsonNode>> stats = new ArrayList<>(LocalServices.points(statsRecords()).get(PipelineStats.MEASUREMENT).values());
        assertThat(stats).allSatisfy(p -> assertThat(p.get("subtask").asText()).matches("[0-9]+"));
        assertThat(stats).anyMatch(p -> p.containsKey("kafka_consumer_lag_ms") && p.get("kafka_consumer_lag_ms").asLong() >= 0);
        // the ticks' event time (less the 1 s out-of-orderness) is the watermark: the lag is the time since then
        long sinceTicks = System.currentTimeMillis() - (T0 + 3 * MIN);
        assertThat(stats).anyMatch(p -> p.containsKey("watermark_lag_ms") && Math.abs(p.get("watermark_lag_ms").asLong() - sinceTicks) < 60_000);
        assertThat(stats).anyMatch(p -> p.containsKey("checkpoint_duration_ms") && p.get("checkpoint_duration_ms").asLong() >= 0);
    }
}
