package com.metricstream.flink.parse;

import com.metricstream.flink.model.FieldValue;
import com.metricstream.flink.model.MalformedRecord;
import com.metricstream.flink.model.ParsedRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits each parsed point into one {@link FieldValue} per numeric field (the windows aggregate per
 * series and field), and routes malformed records to {@link #MALFORMED}, counting them in the
 * {@code malformedRecords} metric. Stateless.
 */
public class SplitRecords extends ProcessFunction<ParsedRecord, FieldValue> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<MalformedRecord> MALFORMED = new OutputTag<>("malformed-records") {};

    private transient Counter malformed;
    private transient Counter points;

    @Override
    public void open(OpenContext openContext) {
        malformed = getRuntimeContext().getMetricGroup().counter("malformedRecords");
        points = getRuntimeContext().getMetricGroup().counter("pointsIn");
    }

    @Override
    public void processElement(ParsedRecord r, Context ctx, Collector<FieldValue> out) {
        if (!r.isValid()) {
            malformed.inc();
            ctx.output(MALFORMED, new MalformedRecord(r.error, r.origin, r.raw));
            return;
        }
        points.inc();
        String prefix = r.seriesKey + ' ';
        for (int i = 0; i < r.fieldKeys.length; i++) {
            out.collect(new FieldValue(prefix + r.fieldKeys[i], r.fieldValues[i], r.timestampMs));
        }
    }
}
