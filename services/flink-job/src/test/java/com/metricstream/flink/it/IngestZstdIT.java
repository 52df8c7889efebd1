package com.metricstream.flink.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's Kafka source reads what the ingest service produces with KAFKA_COMPRESSION=zstd (Kafka
 * codec 4): the points go through the real service (scripts/flink/ingest-produce.ts, which fails
 * unless every batch was zstd) into the real broker, and their window comes out complete. kafka-clients
 * decodes zstd with zstd-jni (a runtime dependency, in the shaded jar too: ShadedJarIT).
 */
class IngestZstdIT extends JobITBase {
    static final int POINTS = 120;

    @Test
    void pointsTheServiceCompressedWithZstdAreAggregated() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < POINTS; i++) {
            long ns = (T0 + i * 400L) * 1_000_000L; // all in the window [T0, T0 + 1 min)
            lines.add("zs,host=h1 v=" + i + ",s=\"text " + i + "\" " + ns);
        }
        Path file = Files.createTempFile("ingest-zstd-", ".lp");
        try {
            Files.write(file, lines);
            // 10 points per request: several sends, so both partitions get zstd batches (sticky rotation)
            LocalServices.script("scripts/flink/ingest-produce.sh", Map.of("KAFKA_TOPIC", metricsTopic, "KAFKA_COMPRESSION", "zstd"),
                    file.toString(), "10");
        } finally {
            Files.deleteIfExists(file);
        }
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + 2 * MIN));

        start(config());

        LocalServices.await("the zs window", Duration.ofSeconds(90), () -> windows("zs").size() == 1);
        assertThat(windows("zs").get(T0).get("v_count").asLong()).isEqualTo(POINTS);
        assertThat(windows("zs").get(T0).get("v_max").asDouble()).isEqualTo(POINTS - 1.0);
        assertThat(windows("zs").get(T0).get("v_sum").asDouble()).isEqualTo(POINTS * (POINTS - 1) / 2.0);
    }
}
