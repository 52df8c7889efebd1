package com.metricstream.flink.it;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job is cancelled while a window is half full and restored from its retained checkpoint: the
 * window comes out complete — its first half from the checkpointed window state, the second half
 * from Kafka after the checkpointed offsets. The job starts from the group's committed offsets, so
 * without the restore the first half would be missing.
 */
class RestoreFromCheckpointIT extends JobITBase {

    @TempDir
    Path checkpoints;

    private List<ProducerRecord<byte[], byte[]>> points(int minute, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(LocalServices.point(metricsTopic, null, "load", Map.of("host", "app-1"), Map.of("load1", (double) i),
                    T0 + minute * MIN + i * 1_000));
        }
        return out;
    }

    @Test
    void noWindowIsLostAcrossCancelAndRestore() throws Exception {
        var cfg = config(
                "kafka.starting.offsets", "committed",
                "job.checkpoint.dir", checkpoints.toUri().toString(),
                "job.checkpoint.interval", "500 ms");
        JobClient first = start(cfg);

        LocalServices.send(points(0, 1, 6));  // first half of minute 0: held in window state
        // Offsets are committed when a checkpoint completes: once they cover what was sent, a
        // completed checkpoint holds these points in its window state.
        LocalServices.await("a checkpoint covering the first points", Duration.ofSeconds(60),
                () -> LocalServices.groupCaughtUp(group, metricsTopic));
        first.cancel().get(30, TimeUnit.SECONDS);
        assertThat(windows("load")).as("minute 0 has not fired before the cancel").isEmpty();

        Path latest = latestCheckpoint(checkpoints.resolve(first.getJobID().toHexString()));

        LocalServices.send(points(0, 7, 10));  // second half of minute 0, while the job is down
        LocalServices.send(points(1, 1, 5));
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + 3 * MIN));

        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.toUri().toString());
        start(cfg, restore);

        LocalServices.await("minutes 0 and 1", Duration.ofSeconds(60), () -> windows("load").size() == 2);
        var load = windows("load");
        assertThat(load.get(T0).get("load1_count").asLong()).isEqualTo(10);
        assertThat(load.get(T0).get("load1_sum").asDouble()).isEqualTo(55.0);
        assertThat(load.get(T0).get("load1_min").asDouble()).isEqualTo(1.0);
        assertThat(load.get(T0).get("load1_last").asDouble()).isEqualTo(10.0);
        assertThat(load.get(T0 + MIN).get("load1_count").asLong()).isEqualTo(5);
    }

    private static Path latestCheckpoint(Path jobDir) throws Exception {
        try (Stream<Path> s = Files.list(jobDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("chk-") && Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint in " + jobDir));
        }
    }
}
