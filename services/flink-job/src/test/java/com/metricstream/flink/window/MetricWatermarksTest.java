package com.metricstream.flink.window;

import com.metricstream.flink.model.ParsedRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricWatermarksTest {
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput out = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    @Test
    void watermarkTrailsTheLatestValidPointByTheBoundAndIgnoresMalformedRecords() {
        var g = new MetricWatermarks.ValidPointsOutOfOrderness(10_000);
        g.onEvent(ParsedRecord.valid("m", 100_000, new String[0], new double[0]), 100_000, out);
        g.onEvent(ParsedRecord.valid("m", 90_000, new String[0], new double[0]), 90_000, out);  // out of order: no step back
        g.onPeriodicEmit(out);
        // a malformed record carries the Kafka timestamp (here far ahead): must not move the watermark
        g.onEvent(ParsedRecord.malformed("bad", new byte[0], "t-0@1"), 999_999_999, out);
        g.onPeriodicEmit(out);
        g.onEvent(ParsedRecord.valid("m", 130_000, new String[0], new double[0]), 130_000, out);
        g.onPeriodicEmit(out);

        assertThat(emitted).containsExactly(89_999L, 89_999L, 119_999L);
    }
}
