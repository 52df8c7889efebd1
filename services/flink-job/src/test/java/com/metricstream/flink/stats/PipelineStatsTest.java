package com.metricstream.flink.stats;

import com.metricstream.flink.model.ParsedRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The statistics operator in Flink's operator test harness: processing time, checkpoints and notifications driven by the test. */
class PipelineStatsTest {
    private static final long T = 1_800_000_000_000L;
    private static final long INTERVAL = 10_000;

    private OneInputStreamOperatorTestHarness<ParsedRecord, ParsedRecord> harness;

    @BeforeEach
    void open() throws Exception {
        TypeSerializer<ParsedRecord> serializer = TypeInformation.of(ParsedRecord.class).createSerializer(new SerializerConfigImpl());
        harness = new OneInputStreamOperatorTestHarness<>(new PipelineStats(INTERVAL), serializer);
        harness.setProcessingTime(T);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ParsedRecord record(long eventMs, long kafkaMs) {
        ParsedRecord r = ParsedRecord.valid("cpu,host=a", eventMs, new String[] {"usage"}, new double[] {1});
        r.kafkaTimestampMs = kafkaMs;
        return r;
    }

    private List<String> lines() {
        var out = harness.getSideOutput(PipelineStats.LINES); // null until the first line
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void recordsPassThroughAndEachIntervalWritesOnePointOfItsLagsAndCheckpoints() throws Exception {
        ParsedRecord a = record(T - 40_000, T - 2_000);
        ParsedRecord b = record(T - 30_000, T - 500);
        harness.setProcessingTime(T + 1_000);
        harness.processElement(a, a.timestampMs);  // read 3,000 ms after Kafka stamped it
        harness.processElement(b, b.timestampMs);  // 1,500 ms
        harness.processWatermark(T - 31_000);
        harness.snapshot(7, T + 2_000);            // the operator's snapshot at T + 1,000
        harness.setProcessingTime(T + 1_250);
        harness.notifyOfCompletedCheckpoint(7);    // completed 250 ms after it
        harness.snapshot(8, T + 3_000);
        harness.getOneInputOperator().notifyCheckpointAborted(8);
        assertThat(lines()).isEmpty();

        harness.setProcessingTime(T + INTERVAL);
        // unchanged (the harness hands over serialized copies)
        assertThat(harness.extractOutputValues()).usingRecursiveFieldByFieldElementComparator().containsExactly(a, b);
        assertThat(lines()).containsExactly("metricstream_flink,subtask=0 records_in=2i,kafka_consumer_lag_ms=3000i,watermark_lag_ms="
                + (INTERVAL + 31_000) + "i,checkpoints_completed=1i,checkpoints_aborted=1i,checkpoint_duration_ms=250i " + (T + INTERVAL));
    }

    @Test
    void anIdleIntervalStillWritesAPointAndTheCountsStartAfreshEachInterval() throws Exception {
        harness.setProcessingTime(T + INTERVAL);
        // No record and no watermark yet: no lag fields, zero counts.
        assertThat(lines()).containsExactly("metricstream_flink,subtask=0 records_in=0i,checkpoints_completed=0i,checkpoints_aborted=0i " + (T + INTERVAL));

        ParsedRecord a = record(T, T + INTERVAL - 100);
        harness.setProcessingTime(T + INTERVAL + 400);
        harness.processElement(a, a.timestampMs);
        harness.snapshot(1, 0);
        harness.setProcessingTime(T + 2 * INTERVAL);
        harness.setProcessingTime(T + 2 * INTERVAL + 900);
        harness.notifyOfCompletedCheckpoint(1);  // snapshotted in interval 2, completed in 3
        harness.setProcessingTime(T + 3 * INTERVAL);
        assertThat(lines()).containsExactly(
                "metricstream_flink,subtask=0 records_in=0i,checkpoints_completed=0i,checkpoints_aborted=0i " + (T + INTERVAL),
                "metricstream_flink,subtask=0 records_in=1i,kafka_consumer_lag_ms=500i,checkpoints_completed=0i,checkpoints_aborted=0i " + (T + 2 * INTERVAL),
                "metricstream_flink,subtask=0 records_in=0i,checkpoints_completed=1i,checkpoints_aborted=0i,checkpoint_duration_ms=10500i " + (T + 3 * INTERVAL));
    }
}
