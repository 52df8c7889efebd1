package com.metricstream.flink.window;

import com.metricstream.flink.MetricsJob;
import com.metricstream.flink.TestConfigs;
import com.metricstream.flink.config.JobConfig;
import com.metricstream.flink.model.FieldValue;
import com.metricstream.flink.model.WindowAggregate;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The job's own window definition ({@link MetricsJob#windowAggregates}) on Flink's keyed operator harness. */
class WindowAggregationTest {
    private static final long MIN = 60_000;
    private static final String CPU = "cpu,cpu=cpu-total,host=a usage_active";
    private static final String MEM = "mem,host=a used_percent";

    private KeyedOneInputStreamOperatorTestHarness<String, FieldValue, WindowAggregate> harness;

    @BeforeEach
    void setUp() throws Exception {
        JobConfig cfg = TestConfigs.config("window.size", "1 min", "window.allowed.lateness", "30 s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<FieldValue> in = env.fromData(new FieldValue(CPU, 0, 0));
        @SuppressWarnings("unchecked")
        OneInputTransformation<FieldValue, WindowAggregate> t =
                (OneInputTransformation<FieldValue, WindowAggregate>) MetricsJob.windowAggregates(in, cfg.window).getTransformation();
        @SuppressWarnings("unchecked")
        KeySelector<FieldValue, String> keys = (KeySelector<FieldValue, String>) t.getStateKeySelector();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(t.getOperatorFactory(), keys, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void point(String key, double v, long ts) throws Exception {
        harness.processElement(new FieldValue(key, v, ts), ts);
    }

    private List<String> lines() {
        List<String> out = harness.extractOutputValues().stream().map(WindowAggregate::toLineProtocol).collect(Collectors.toList());
        harness.getOutput().clear();
        return out;
    }

    @Test
    void perSeriesTumblingWindowsProduceCountMinMaxSumMeanLast() throws Exception {
        point(CPU, 10, 5_000);
        point(CPU, 40, 50_000);
        point(CPU, 20, 30_000);       // out of order: "last" is by event time, so 40 stays last
        point(MEM, 81, 10_000);
        point(CPU, 99, MIN + 1_000);  // next window

        harness.processWatermark(MIN - 1);  // closes [0, 1 min)

        assertThat(lines()).containsExactlyInAnyOrder(
                "cpu,cpu=cpu-total,host=a usage_active_count=3i,usage_active_min=10.0,usage_active_max=40.0,usage_active_sum=70.0,"
                        + "usage_active_mean=23.333333333333332,usage_active_last=40.0 0",
                "mem,host=a used_percent_count=1i,used_percent_min=81.0,used_percent_max=81.0,used_percent_sum=81.0,"
                        + "used_percent_mean=81.0,used_percent_last=81.0 0");

        harness.processWatermark(2 * MIN - 1);
        assertThat(lines()).containsExactly(
                "cpu,cpu=cpu-total,host=a usage_active_count=1i,usage_active_min=99.0,usage_active_max=99.0,usage_active_sum=99.0,"
                        + "usage_active_mean=99.0,usage_active_last=99.0 60000");
        assertThat(harness.extractOutputStreamRecords()).isEmpty();
    }

    @Test
    void latePointsWithinTheAllowedLatenessReEmitTheWindowAndLaterOnesGoToTheSideOutput() throws Exception {
        point(CPU, 10, 1_000);
        harness.processWatermark(MIN - 1);
        assertThat(lines()).hasSize(1);

        point(CPU, 30, 2_000);                    // late, but within 30 s of allowed lateness
        assertThat(lines()).containsExactly(
                "cpu,cpu=cpu-total,host=a usage_active_count=2i,usage_active_min=10.0,usage_active_max=30.0,usage_active_sum=40.0,"
                        + "usage_active_mean=20.0,usage_active_last=30.0 0");   // same timestamp: overwrites in InfluxDB

        harness.processWatermark(MIN + 30_000);  // past end + lateness: window state purged
        point(CPU, 50, 3_000);                    // too late
        assertThat(lines()).isEmpty();
        assertThat(harness.getSideOutput(MetricsJob.LATE_POINTS)).extracting(StreamRecord::getValue)
                .extracting(FieldValue::toString).containsExactly(CPU + "=50.0@3000");
    }

    @Test
    void windowStateAndTimersAreClearedOnceTheLatenessHasPassed() throws Exception {
        point(CPU, 1, 1_000);
        point(MEM, 2, 2_000);
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);
        // per key: the firing timer at the window end and the cleanup timer at end + lateness
        assertThat(harness.numEventTimeTimers()).isEqualTo(4);

        harness.processWatermark(MIN - 1);          // fired, but kept for late data
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);

        harness.processWatermark(MIN + 30_000 - 1); // end + lateness: cleanup timers fire
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void windowsSurviveASnapshotAndRestore() throws Exception {
        point(CPU, 10, 1_000);
        point(CPU, 20, 2_000);
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();

        // a fresh operator restored from the snapshot, as after a restart from a checkpoint
        setUp();
        harness.close();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        @SuppressWarnings("unchecked")
        OneInputTransformation<FieldValue, WindowAggregate> t = (OneInputTransformation<FieldValue, WindowAggregate>)
                MetricsJob.windowAggregates(env.fromData(new FieldValue(CPU, 0, 0)), TestConfigs.config("window.allowed.lateness", "30 s").window).getTransformation();
        @SuppressWarnings("unchecked")
        KeySelector<FieldValue, String> keys = (KeySelector<FieldValue, String>) t.getStateKeySelector();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(t.getOperatorFactory(), keys, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();

        point(CPU, 30, 3_000);
        harness.processWatermark(MIN - 1);
        assertThat(lines()).containsExactly(
                "cpu,cpu=cpu-total,host=a usage_active_count=3i,usage_active_min=10.0,usage_active_max=30.0,usage_active_sum=60.0,"
                        + "usage_active_mean=20.0,usage_active_last=30.0 0");
    }
}
