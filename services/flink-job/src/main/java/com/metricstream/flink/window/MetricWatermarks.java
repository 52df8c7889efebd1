package com.metricstream.flink.window;

import com.metricstream.flink.model.ParsedRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;

/**
 * The job's watermark strategy: bounded out-of-orderness on the points' event time, applied per
 * Kafka partition by the source, with idleness so a quiet partition does not hold windows back.
 * Malformed records carry no event time and do not move the watermark.
 */
public final class MetricWatermarks {
    private MetricWatermarks() {}

    public static WatermarkStrategy<ParsedRecord> boundedOutOfOrdernessWithIdleness(
            Duration outOfOrderness, Duration idleness) {
        long bound = outOfOrderness.toMillis();
        return WatermarkStrategy.<ParsedRecord>forGenerator(ctx -> new ValidPointsOutOfOrderness(bound))
                .withTimestampAssigner((r, kafkaTimestamp) -> r.isValid() ? r.timestampMs : kafkaTimestamp)
                .withIdleness(idleness);
    }

    /** Like Flink's BoundedOutOfOrdernessWatermarks, but only valid points advance the maximum. */
    static final class ValidPointsOutOfOrderness implements WatermarkGenerator<ParsedRecord> {
        private final long bound;
        private long maxTimestamp;

        ValidPointsOutOfOrderness(long bound) {
            this.bound = bound;
            this.maxTimestamp = Long.MIN_VALUE + bound + 1;
        }

        @Override
        public void onEvent(ParsedRecord event, long timestamp, WatermarkOutput output) {
            if (event.isValid() && timestamp > maxTimestamp) maxTimestamp = timestamp;
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(maxTimestamp - bound - 1));
        }
    }
}
