package com.metricstream.flink.stats;

import com.metricstream.flink.model.ParsedRecord;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.util.HashMap;
import java.util.Map;

/**
 * The job's own pipeline statistics, right after the source: every record passes through unchanged,
 * and every {@code intervalMs} of processing time each subtask writes one line-protocol point of
 * {@link #MEASUREMENT} to {@link #LINES} (the job sends it to the aggregates topic, so every InfluxDB
 * node loads it; docs/flink-job.md "Pipeline statistics"):
 * <ul>
 *   <li>{@code records_in}: records read in the interval (malformed ones too);</li>
 *   <li>{@code kafka_consumer_lag_ms}: the most, over the interval's records, of processing time minus
 *       the Kafka record's timestamp when it was read: the consumer's time lag, like MSK's
 *       EstimatedMaxTimeLag (absent when no record was read);</li>
 *   <li>{@code watermark_lag_ms}: processing time minus this subtask's current watermark (absent until
 *       the watermark is a time, i.e. before the first valid point, and at the end of a bounded input);</li>
 *   <li>{@code checkpoints_completed}, {@code checkpoints_aborted}: checkpoints this subtask was told
 *       completed or aborted in the interval;</li>
 *   <li>{@code checkpoint_duration_ms}: the longest, of those completed, from this operator's snapshot to
 *       the notification that the checkpoint completed (absent when none completed).</li>
 * </ul>
 * An operator rather than a ProcessFunction: a function may not set processing-time timers on a stream
 * that is not keyed, and the statistics must come also while no record arrives. The operator keeps no
 * state: a restore starts the counts afresh.
 */
public class PipelineStats extends AbstractStreamOperator<ParsedRecord>
        implements OneInputStreamOperator<ParsedRecord, ParsedRecord>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    public static final String MEASUREMENT = "metricstream_flink";
    public static final OutputTag<String> LINES = new OutputTag<>("pipeline-stats") {};

    private final long intervalMs;

    private transient String seriesKey;
    private transient long recordsIn;
    private transient long maxKafkaLagMs;
    private transient long watermark;
    private transient long completed;
    private transient long aborted;
    private transient long maxCheckpointMs;
    /** Checkpoint id -> processing time of this operator's snapshot, until completed or aborted. */
    private transient Map<Long, Long> snapshotAt;

    public PipelineStats(long intervalMs) {
        if (intervalMs <= 0) throw new IllegalArgumentException("intervalMs must be positive, got " + intervalMs);
        this.intervalMs = intervalMs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        seriesKey = MEASUREMENT + ",subtask=" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        watermark = Long.MIN_VALUE;
        snapshotAt = new HashMap<>();
        resetInterval();
        getProcessingTimeService().registerTimer(now() + intervalMs, this);
    }

    @Override
    public void processElement(StreamRecord<ParsedRecord> element) throws Exception {
        recordsIn++;
        long kafkaTs = element.getValue().kafkaTimestampMs;
        if (kafkaTs > 0) maxKafkaLagMs = Math.max(maxKafkaLagMs, Math.max(0, now() - kafkaTs)); // 0 for a producer clock ahead
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        snapshotAt.put(context.getCheckpointId(), now());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        Long at = snapshotAt.remove(checkpointId);
        // Earlier ones still open were subsumed by this one: no longer waited for.
        snapshotAt.keySet().removeIf(id -> id < checkpointId);
        completed++;
        if (at != null) maxCheckpointMs = Math.max(maxCheckpointMs, now() - at);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        super.notifyCheckpointAborted(checkpointId);
        snapshotAt.remove(checkpointId);
        aborted++;
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        output.collect(LINES, new StreamRecord<>(line(time)));
        resetInterval();
        getProcessingTimeService().registerTimer(time + intervalMs, this);
    }

    /** The interval's point, timestamped (ms) with the processing time it is emitted at. */
    String line(long time) {
        StringBuilder sb = new StringBuilder(200).append(seriesKey).append(" records_in=").append(recordsIn).append('i');
        if (maxKafkaLagMs >= 0) sb.append(",kafka_consumer_lag_ms=").append(maxKafkaLagMs).append('i');
        if (watermark > 0 && watermark != Long.MAX_VALUE) sb.append(",watermark_lag_ms=").append(time - watermark).append('i');
        sb.append(",checkpoints_completed=").append(completed).append('i');
        sb.append(",checkpoints_aborted=").append(aborted).append('i');
        if (maxCheckpointMs >= 0) sb.append(",checkpoint_duration_ms=").append(maxCheckpointMs).append('i');
        return sb.append(' ').append(time).toString();
    }

    private void resetInterval() {
        recordsIn = 0;
        maxKafkaLagMs = -1;
        completed = 0;
        aborted = 0;
        maxCheckpointMs = -1;
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }
}
