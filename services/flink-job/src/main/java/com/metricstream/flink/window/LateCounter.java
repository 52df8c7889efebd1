package com.metricstream.flink.window;

import com.metricstream.flink.model.FieldValue;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;

/** Counts field values that arrived after their window's allowed lateness ({@code latePoints}) and drops them. */
public class LateCounter extends RichFilterFunction<FieldValue> {
    private static final long serialVersionUID = 1L;
    private transient Counter late;

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter("latePoints");
    }

    @Override
    public boolean filter(FieldValue value) {
        late.inc();
        return false;
    }
}
