package com.metricstream.flink.it;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Malformed records are set aside (dead-letter topic) and counted; the job keeps running and aggregates the rest. */
class MalformedRecordsIT extends JobITBase {

    @Test
    void malformedRecordsDoNotStopTheJob() throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> bad = List.of(
                "this is not json",
                "{\"v\":2,\"m\":\"cpu\",\"f\":{\"x\":1},\"ts\":\"1\"}",
                "{\"v\":1,\"m\":\"cpu\",\"f\":{\"usage_active\":1}}",
                "{\"v\":1,\"m\":\"\",\"f\":{\"x\":1},\"ts\":\"1\"}",
                "{\"v\":1,\"m\":\"cpu\",\"f\":{\"x\":1},\"ts\":\"soon\"}");
        for (int i = 0; i < 10; i++) {
            records.add(LocalServices.point(metricsTopic, i % PARTITIONS, "disk", Map.of("host", "h", "path", "/"),
                    Map.of("used_percent", 50.0 + i), T0 + i * 1_000));
            if (i < bad.size()) records.add(LocalServices.raw(metricsTopic, i % PARTITIONS, "disk,host=h,path=/", bad.get(i)));
        }
        LocalServices.send(records);
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + 2 * MIN));

        JobClient job = start(config());

        LocalServices.await("the disk window", Duration.ofSeconds(60), () -> windows("disk").size() == 1);
        assertThat(windows("disk").get(T0).get("used_percent_count").asLong()).isEqualTo(10);
        assertThat(windows("disk").get(T0).get("used_percent_max").asDouble()).isEqualTo(59.0);

        List<ConsumerRecord<byte[], byte[]>> dead = LocalServices.read(malformedTopic, bad.size(), Duration.ofSeconds(30));
        assertThat(dead.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(bad);
        assertThat(dead.stream().map(r -> new String(r.headers().lastHeader("ms-error").value(), StandardCharsets.UTF_8)).collect(Collectors.toList()))
                .anyMatch(e -> e.startsWith("not JSON"))
                .contains("unknown version v=2", "ts missing", "m missing or empty", "ts is not a decimal integer: soon");
        assertThat(dead).allMatch(r -> new String(r.headers().lastHeader("ms-origin").value(), StandardCharsets.UTF_8).startsWith(metricsTopic + "-"));

        // still running, and still processing: a later window arrives as well
        assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        LocalServices.send(List.of(LocalServices.raw(metricsTopic, 0, null, "\u0000\u0001garbage")));
        LocalServices.send(List.of(LocalServices.point(metricsTopic, 0, "disk", Map.of("host", "h", "path", "/"), Map.of("used_percent", 70.0), T0 + 3 * MIN)));
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + 5 * MIN));
        LocalServices.await("the second disk window", Duration.ofSeconds(60), () -> windows("disk").size() == 2);
        assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
    }
}
