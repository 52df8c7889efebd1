package com.metricstream.flink.bench;

import com.metricstream.flink.MetricsJob;
import com.metricstream.flink.config.JobConfig;
import com.metricstream.flink.it.LocalServices;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Points/s per parallel slot of the whole job on the MiniCluster: bounded Kafka source over a
 * pre-filled topic of the local broker → parse → 1-minute windows → alert rules → the aggregates topic
 * and Kafka sinks, checkpointing on. Not part of the test suites: run by scripts/flink/benchmark.sh.
 *
 * <p>System properties: bench.series (default 5000), bench.minutes (20), bench.interval.s (10),
 * bench.parallelism (comma list, default "1,2"). Each point carries 2 numeric fields, like a
 * trimmed Telegraf cpu point.
 */
class ThroughputBenchmark {
    private static final int MAX_PARALLELISM = 2;
    private static final long T0 = 1_767_225_600_000L;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(MAX_PARALLELISM).build());

    @Test
    void pointsPerSecondPerSlot() throws Exception {
        int series = Integer.getInteger("bench.series", 5000);
        int minutes = Integer.getInteger("bench.minutes", 20);
        int intervalS = Integer.getInteger("bench.interval.s", 10);
        String[] parallelisms = System.getProperty("bench.parallelism", "1,2").split(",");
        long points = (long) series * minutes * (60 / intervalS);

        String topic = LocalServices.unique("bench-metrics");
        LocalServices.createTopics(MAX_PARALLELISM, topic);
        long t = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(42);
        try (KafkaProducer<byte[], byte[]> p = LocalServices.producer()) {
            for (long ts = T0; ts < T0 + minutes * 60_000L; ts += intervalS * 1000L) {
                for (int s = 0; s < series; s++) {
                    Map<String, Object> fields = new TreeMap<>();
                    fields.put("usage_active", Math.round(rnd.nextDouble(0, 100) * 100) / 100.0);
                    fields.put("usage_system", Math.round(rnd.nextDouble(0, 30) * 100) / 100.0);
                    ProducerRecord<byte[], byte[]> r = LocalServices.point(topic, null, "cpu",
                            Map.of("host", "host-" + (s / 4), "cpu", s % 4 == 0 ? "cpu-total" : "cpu" + (s % 4)), fields, ts + s % intervalS);
                    p.send(r);
                }
            }
            p.flush();
        }
        System.out.printf("bench: produced %,d points to %s in %.1f s%n", points, topic, (System.nanoTime() - t) / 1e9);

        if (Boolean.parseBoolean(System.getProperty("bench.warmup", "true"))) {
            // one unreported pass so that JIT compilation does not count against the first figure
            run(topic, points, series, minutes, MAX_PARALLELISM, true);
        }
        List<String> report = new ArrayList<>();
        for (String ps : parallelisms) {
            report.add(run(topic, points, series, minutes, Integer.parseInt(ps.trim()), false));
        }
        System.out.println("bench: ---- summary (" + Runtime.getRuntime().availableProcessors() + " cores, load average "
                + String.format("%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()) + ") ----");
        report.forEach(System.out::println);
    }

    private String run(String topic, long points, int series, int minutes, int parallelism, boolean warmup) throws Exception {
        String aggregates = LocalServices.unique("bench-aggregates");
        LocalServices.createTopics(parallelism, aggregates);
        JobConfig cfg = config(topic, aggregates);
        Configuration conf = MetricsJob.localEnvironment(cfg.job);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        MetricsJob.fromConfig(cfg, MetricsJob.metricsSource(cfg).setBounded(OffsetsInitializer.latest()).build()).build(env);
        long wall = System.nanoTime();
        JobExecutionResult result = env.execute("throughput-benchmark-p" + parallelism);
        double seconds = (System.nanoTime() - wall) / 1e9;
        double net = result.getNetRuntime() / 1000.0;

        // every point was aggregated: the window counts add up to the points read
        long counted = 0;
        for (var point : LocalServices.points(LocalServices.readAll(aggregates, Duration.ofMinutes(2))).getOrDefault("cpu", Map.of()).values()) {
            counted += point.get("usage_active_count").asLong();
        }
        LocalServices.deleteTopics(aggregates);
        assertThat(counted).isEqualTo(points);

        String line = String.format((warmup ? "bench: (warm-up) " : "bench: ") + "parallelism %d: %,d points (2 fields, %,d series, %d one-minute windows) in %.1f s job runtime"
                        + " (%.1f s wall) -> %,.0f points/s total, %,.0f points/s per parallel slot",
                parallelism, points, series, minutes, net, seconds, points / net, points / net / parallelism);
        System.out.println(line);
        return line;
    }

    private static JobConfig config(String topic, String aggregates) {
        Map<String, String> kv = new HashMap<>();
        kv.put("kafka.bootstrap.servers", LocalServices.KAFKA);
        kv.put("kafka.auth.mode", "plaintext");
        kv.put("kafka.metrics.topic", topic);
        kv.put("kafka.alerts.topic", topic + "-alerts");
        kv.put("kafka.group.id", LocalServices.unique("bench"));
        kv.put("kafka.starting.offsets", "earliest");
        kv.put("kafka.aggregates.topic", aggregates);
        kv.put("job.checkpoint.interval", "10 s");
        Map<String, Properties> groups = new HashMap<>();
        kv.forEach((k, v) -> {
            int dot = k.indexOf('.');
            groups.computeIfAbsent(k.substring(0, dot), g -> new Properties()).setProperty(k.substring(dot + 1), v);
        });
        return JobConfig.fromPropertyGroups(groups);
    }
}
