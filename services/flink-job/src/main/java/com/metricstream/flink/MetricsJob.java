package com.metricstream.flink;

import com.metricstream.flink.alert.AlertEvaluator;
import com.metricstream.flink.alert.MatchRules;
import com.metricstream.flink.alert.WorstSample;
import com.metricstream.flink.config.ConfigLoader;
import com.metricstream.flink.config.JobConfig;
import com.metricstream.flink.model.AlertEvent;
import com.metricstream.flink.model.FieldValue;
import com.metricstream.flink.model.MalformedRecord;
import com.metricstream.flink.model.ParsedRecord;
import com.metricstream.flink.model.RuleSample;
import com.metricstream.flink.model.WindowAggregate;
import com.metricstream.flink.parse.PointDeserializer;
import com.metricstream.flink.parse.SplitRecords;
import com.metricstream.flink.sink.AlertRecordSerializer;
import com.metricstream.flink.sink.LineRecordSerializer;
import com.metricstream.flink.sink.MalformedRecordSerializer;
import com.metricstream.flink.stats.PipelineStats;
import com.metricstream.flink.window.EmitWindowAggregate;
import com.metricstream.flink.window.FieldStatsAggregate;
import com.metricstream.flink.window.LateCounter;
import com.metricstream.flink.window.MetricWatermarks;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.Properties;

/**
 * Metrics from Kafka → per-series one-minute aggregates and alerts → Kafka: the aggregates topic
 * (aggregates and alert events as line protocol, which every InfluxDB node loads on its own) and the
 * alerts topic (alert events as JSON, for notification). The job never talks to InfluxDB, so storage
 * trouble cannot stop alert evaluation.
 *
 * <p>{@link #main} only loads the configuration and wires Kafka; the pipeline itself ({@link #build})
 * takes its source and sinks, so tests can hand it the same real connectors pointed at local Kafka.
 */
public final class MetricsJob {
    public static final OutputTag<FieldValue> LATE_POINTS = new OutputTag<>("late-points") {};

    private final Source<ParsedRecord, ?, ?> source;
    /** Aggregate and alert lines (line protocol) to the aggregates topic. */
    private final Sink<String> lineSink;
    private final Sink<AlertEvent> alertKafkaSink;
    /** Null: malformed records are only counted. */
    private final Sink<MalformedRecord> malformedSink;
    private final JobConfig config;

    public MetricsJob(JobConfig config, Source<ParsedRecord, ?, ?> source, Sink<String> lineSink,
                      Sink<AlertEvent> alertKafkaSink, Sink<MalformedRecord> malformedSink) {
        this.config = config;
        this.source = source;
        this.lineSink = lineSink;
        this.alertKafkaSink = alertKafkaSink;
        this.malformedSink = malformedSink;
    }

    public static void main(String[] args) throws Exception {
        ConfigLoader.Loaded loaded = ConfigLoader.load(args);
        JobConfig cfg = loaded.config();
        // On Managed Flink the service owns checkpointing, restarts and parallelism.
        StreamExecutionEnvironment env = loaded.managedFlink()
                ? StreamExecutionEnvironment.getExecutionEnvironment()
                : StreamExecutionEnvironment.getExecutionEnvironment(localEnvironment(cfg.job));
        fromConfig(cfg).build(env);
        env.execute("metricstream-metrics");
    }

    /** The job with real Kafka connectors as configured. */
    public static MetricsJob fromConfig(JobConfig cfg) {
        return fromConfig(cfg, metricsSource(cfg).build());
    }

    /** The job with the given source and the configured Kafka sinks (the benchmark bounds its source). */
    public static MetricsJob fromConfig(JobConfig cfg, Source<ParsedRecord, ?, ?> source) {
        JobConfig.Kafka k = cfg.kafka;
        Properties security = k.securityProperties();
        // At least once: each sink flushes its producer before a checkpoint completes, so what a
        // checkpoint covers is on the topic; a replay after a restore repeats lines, which InfluxDB
        // overwrites (same series, field set and timestamp).
        KafkaSink<String> lines = KafkaSink.<String>builder()
                .setBootstrapServers(k.bootstrapServers)
                .setKafkaProducerConfig(producerProperties(security))
                .setRecordSerializer(new LineRecordSerializer(k.aggregatesTopic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        KafkaSink<AlertEvent> alertKafka = KafkaSink.<AlertEvent>builder()
                .setBootstrapServers(k.bootstrapServers)
                .setKafkaProducerConfig(producerProperties(security))
                .setRecordSerializer(new AlertRecordSerializer(k.alertsTopic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        KafkaSink<MalformedRecord> malformed = k.malformedTopic.isEmpty() ? null : KafkaSink.<MalformedRecord>builder()
                .setBootstrapServers(k.bootstrapServers)
                .setKafkaProducerConfig(producerProperties(security))
                .setRecordSerializer(new MalformedRecordSerializer(k.malformedTopic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        return new MetricsJob(cfg, source, lines, alertKafka, malformed);
    }

    /** The metrics topic source as configured. */
    public static KafkaSourceBuilder<ParsedRecord> metricsSource(JobConfig cfg) {
        JobConfig.Kafka k = cfg.kafka;
        return KafkaSource.<ParsedRecord>builder()
                .setBootstrapServers(k.bootstrapServers)
                .setTopics(k.metricsTopic)
                .setGroupId(k.groupId)
                .setStartingOffsets(startingOffsets(k.startingOffsets))
                .setDeserializer(new PointDeserializer())
                .setProperties(k.securityProperties())
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("client.id.prefix", k.groupId);
    }

    /** The pipeline: parse → per-series windows → aggregates topic; windows → alert rules → aggregates topic + alerts topic. */
    public void build(StreamExecutionEnvironment env) {
        JobConfig.Window w = config.window;
        JobConfig.Alerts a = config.alerts;
        // Safe here: no function keeps or mutates a record it was handed (each emits new objects),
        // and it spares a serializer copy of every record between chained operators.
        env.getConfig().enableObjectReuse();

        // The job's own statistics (consumer and watermark lag, checkpoints) ride along to the aggregates topic.
        SingleOutputStreamOperator<ParsedRecord> records = env
                .fromSource(source, MetricWatermarks.boundedOutOfOrdernessWithIdleness(w.outOfOrderness, w.idleness), "metrics-topic")
                .uid("metrics-topic")
                .transform("pipeline-stats", TypeInformation.of(ParsedRecord.class), new PipelineStats(config.job.statsInterval.toMillis()))
                .uid("pipeline-stats");
        SingleOutputStreamOperator<FieldValue> points = records
                .process(new SplitRecords()).name("parse-points").uid("parse-points");

        SingleOutputStreamOperator<WindowAggregate> aggregates = windowAggregates(points, w);

        SingleOutputStreamOperator<AlertEvent> alerts = alerts(aggregates, w, a);

        // One topic holds exactly what an InfluxDB node stores, in InfluxDB's own format.
        aggregates.map(WindowAggregate::toLineProtocol).name("aggregate-lines")
                .union(alerts.map(AlertEvent::toLineProtocol).name("alert-lines"), records.getSideOutput(PipelineStats.LINES))
                .sinkTo(lineSink).name("kafka-aggregates").uid("kafka-aggregates");
        alerts.sinkTo(alertKafkaSink).name("kafka-alerts").uid("kafka-alerts");

        // Set-aside data: counted always (malformedRecords, latePoints), kept when a topic is configured.
        if (malformedSink != null) {
            points.getSideOutput(SplitRecords.MALFORMED).sinkTo(malformedSink).name("kafka-malformed").uid("kafka-malformed");
        }
        aggregates.getSideOutput(LATE_POINTS).filter(new LateCounter()).name("late-points")
                .sinkTo(new DiscardingSink<>()).name("late-points-discard");
    }

    /** Per series and field tumbling event-time windows → count, min, max, sum, mean, last. */
    public static SingleOutputStreamOperator<WindowAggregate> windowAggregates(DataStream<FieldValue> points, JobConfig.Window w) {
        return points
                .keyBy(FieldValue::getKey, Types.STRING)
                .window(TumblingEventTimeWindows.of(w.size))
                .allowedLateness(w.allowedLateness)
                .sideOutputLateData(LATE_POINTS)
                .aggregate(new FieldStatsAggregate(), new EmitWindowAggregate())
                .name("window-aggregates").uid("window-aggregates");
    }

    /**
     * Alert rules on the windows: match rules, keep each host's worst series per rule and window,
     * then the fire/resolve state per rule and host.
     */
    public static SingleOutputStreamOperator<AlertEvent> alerts(DataStream<WindowAggregate> aggregates, JobConfig.Window w, JobConfig.Alerts a) {
        return aggregates
                .flatMap(new MatchRules(a.rules)).name("match-rules")
                .keyBy(RuleSample::getKey, Types.STRING)
                .window(TumblingEventTimeWindows.of(w.size))
                .reduce(new WorstSample(a.rules)).name("worst-series-per-host").uid("worst-series-per-host")
                .keyBy(RuleSample::getKey, Types.STRING)
                .process(new AlertEvaluator(a.rules, a.stateTtl)).name("alert-state").uid("alert-state");
    }

    /** Checkpointing, retention and restarts for runs outside Managed Flink (which configures its own). */
    public static Configuration localEnvironment(JobConfig.Job job) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, job.checkpointInterval);
        // Exactly-once barriers keep window state and Kafka offsets consistent on restore; the sinks
        // on top are at-least-once (InfluxDB overwrites replays of the same point when it loads them).
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, Duration.ofMillis(Math.min(job.checkpointInterval.toMillis() / 2, 5_000)));
        if (!job.checkpointDir.isEmpty()) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, job.checkpointDir);
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
        if (job.parallelism > 0) conf.set(CoreOptions.DEFAULT_PARALLELISM, job.parallelism);
        return conf;
    }

    private static OffsetsInitializer startingOffsets(String mode) {
        switch (mode) {
            case "earliest": return OffsetsInitializer.earliest();
            case "latest": return OffsetsInitializer.latest();
            default: return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    private static Properties producerProperties(Properties security) {
        Properties p = new Properties();
        p.putAll(security);
        p.setProperty("acks", "all");
        p.setProperty("enable.idempotence", "true");
        p.setProperty("compression.type", "lz4");
        p.setProperty("linger.ms", "20");
        return p;
    }
}
