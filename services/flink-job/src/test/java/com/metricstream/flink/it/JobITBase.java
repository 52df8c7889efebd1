package com.metricstream.flink.it;

import com.metricstream.flink.MetricsJob;
import com.metricstream.flink.config.JobConfig;
import com.metricstream.flink.stats.PipelineStats;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The job on a Flink MiniCluster (1 task manager, 2 slots, parallelism 2) against the real local
 * Kafka, and no InfluxDB at all: the job's output is the aggregates and alerts topics. Each test
 * gets its own topics (2 partitions) and consumer group.
 */
abstract class JobITBase {
    static final int PARALLELISM = 2;
    static final int PARTITIONS = 2;
    /** 2026-01-01T00:00:00Z: event times in the tests are synthetic minutes after it. */
    static final long T0 = 1_767_225_600_000L;
    static final long MIN = 60_000L;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    String metricsTopic;
    String alertsTopic;
    String malformedTopic;
    String aggregatesTopic;
    String group;
    final List<JobClient> jobs = new ArrayList<>();

    @BeforeEach
    void topicsAndDatabase() throws Exception {
        metricsTopic = LocalServices.unique("it-metrics");
        alertsTopic = LocalServices.unique("it-alerts");
        malformedTopic = LocalServices.unique("it-malformed");
        aggregatesTopic = LocalServices.unique("it-aggregates");
        group = LocalServices.unique("it-group");
        LocalServices.createTopics(PARTITIONS, metricsTopic, alertsTopic, malformedTopic, aggregatesTopic);
    }

    @AfterEach
    void cancelJobsAndDeleteTopics() {
        for (JobClient j : jobs) {
            try {
                j.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // already finished or cancelled
            }
        }
        LocalServices.deleteTopics(metricsTopic, alertsTopic, malformedTopic, aggregatesTopic);
    }

    /** The configuration of the job under test; {@code extra} are group.key, value pairs. */
    JobConfig config(String... extra) {
        Map<String, String> kv = new HashMap<>();
        kv.put("kafka.bootstrap.servers", LocalServices.KAFKA);
        kv.put("kafka.auth.mode", "plaintext");
        kv.put("kafka.metrics.topic", metricsTopic);
        kv.put("kafka.alerts.topic", alertsTopic);
        kv.put("kafka.malformed.topic", malformedTopic);
        kv.put("kafka.group.id", group);
        kv.put("kafka.starting.offsets", "earliest");
        kv.put("kafka.aggregates.topic", aggregatesTopic);
        kv.put("window.size", "1 min");
        kv.put("window.out.of.orderness", "1 s");
        // The tests move every partition's watermark explicitly (ticks); a long idleness keeps a
        // partition that is quiet between two produce calls from being skipped, which would make
        // its next records late.
        kv.put("window.idleness", "10 min");
        kv.put("job.checkpoint.interval", "1 s");
        kv.put("job.stats.interval", "1 s");
        for (int i = 0; i + 1 < extra.length; i += 2) kv.put(extra[i], extra[i + 1]);
        Map<String, Properties> groups = new HashMap<>();
        kv.forEach((k, v) -> {
            int dot = k.indexOf('.');
            groups.computeIfAbsent(k.substring(0, dot), g -> new Properties()).setProperty(k.substring(dot + 1), v);
        });
        return JobConfig.fromPropertyGroups(groups);
    }

    /** Submit the job as main() would wire it (no Kryo fallback allowed), without waiting for it. */
    JobClient start(JobConfig cfg, Configuration overrides) throws Exception {
        Configuration conf = MetricsJob.localEnvironment(cfg.job);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofMillis(500));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(2));
        conf.addAll(overrides);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        MetricsJob.fromConfig(cfg).build(env);
        JobClient client = env.executeAsync(getClass().getSimpleName());
        jobs.add(client);
        return client;
    }

    JobClient start(JobConfig cfg) throws Exception {
        return start(cfg, new Configuration());
    }

    /** Lines on the aggregates topic now, but the job's own statistics ({@link #statsRecords}). */
    List<ConsumerRecord<byte[], byte[]>> aggregateRecords() {
        return LocalServices.readAll(aggregatesTopic, Duration.ofSeconds(30)).stream().filter(r -> !isStats(r)).collect(Collectors.toList());
    }

    /** The job's pipeline statistics on the aggregates topic now (PipelineStats, every job.stats.interval). */
    List<ConsumerRecord<byte[], byte[]>> statsRecords() {
        return LocalServices.readAll(aggregatesTopic, Duration.ofSeconds(30)).stream().filter(JobITBase::isStats).collect(Collectors.toList());
    }

    private static boolean isStats(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8).startsWith(PipelineStats.MEASUREMENT + ",");
    }

    /** The points of a measurement as an InfluxDB node loading the aggregates topic would hold them, by time (ms). */
    Map<Long, Map<String, JsonNode>> windows(String measurement) {
        Map<Long, Map<String, JsonNode>> out = new TreeMap<>();
        for (Map<String, JsonNode> row : LocalServices.points(aggregateRecords()).getOrDefault(measurement, Map.of()).values()) {
            if (out.put(row.get("time").asLong(), row) != null) throw new AssertionError("two series of " + measurement + " at one time; use points()");
        }
        return out;
    }
}
