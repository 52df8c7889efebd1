package com.metricstream.flink.window;

import com.metricstream.flink.model.WindowAggregate;
import com.metricstream.flink.parse.LineProtocol;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns the accumulator of a fired window into a {@link WindowAggregate}, adding key and window bounds. */
public class EmitWindowAggregate extends ProcessWindowFunction<FieldStats, WindowAggregate, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(String key, Context ctx, Iterable<FieldStats> stats, Collector<WindowAggregate> out) {
        FieldStats s = stats.iterator().next();
        int sp = LineProtocol.firstUnescapedSpace(key);
        WindowAggregate a = new WindowAggregate();
        a.seriesKey = key.substring(0, sp);
        a.field = key.substring(sp + 1);
        a.windowStart = ctx.window().getStart();
        a.windowEnd = ctx.window().getEnd();
        a.count = s.count;
        a.min = s.min;
        a.max = s.max;
        a.sum = s.sum;
        a.last = s.last;
        out.collect(a);
    }
}
