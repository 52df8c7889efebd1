package com.metricstream.flink.alert;

import com.metricstream.flink.config.AlertRule;
import com.metricstream.flink.model.RuleSample;
import com.metricstream.flink.model.WindowAggregate;
import com.metricstream.flink.parse.LineProtocol;
import org.apache.flink.api.common.functions.FlatMapFunction;

import java.util.List;
import java.util.Map;

/** Window aggregates that an alert rule watches → one {@link RuleSample} per matching rule. Stateless. */
public class MatchRules implements FlatMapFunction<WindowAggregate, RuleSample> {
    private static final long serialVersionUID = 1L;

    private final List<AlertRule> rules;

    public MatchRules(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void flatMap(WindowAggregate a, org.apache.flink.util.Collector<RuleSample> out) {
        String measurement = null;
        String fieldName = null;
        Map<String, String> tags = null;
        for (AlertRule r : rules) {
            if (measurement == null) {
                measurement = LineProtocol.measurementOf(a.seriesKey);
                fieldName = a.fieldName();
            }
            if (!r.measurement.equals(measurement) || !r.field.equals(fieldName)) continue;
            if (tags == null) tags = LineProtocol.tagsOf(a.seriesKey);
            boolean matches = true;
            for (Map.Entry<String, String> w : r.where.entrySet()) {
                if (!w.getValue().equals(tags.get(w.getKey()))) {
                    matches = false;
                    break;
                }
            }
            if (!matches) continue;
            String host = tags.getOrDefault(r.hostTag, "");
            out.collect(new RuleSample(r.name, host, a.seriesKey, stat(r.stat, a), a.windowStart, a.windowEnd));
        }
    }

    static double stat(AlertRule.Stat stat, WindowAggregate a) {
        switch (stat) {
            case MIN: return a.min;
            case MAX: return a.max;
            case LAST: return a.last;
            case SUM: return a.sum;
            case COUNT: return a.count;
            default: return a.mean();
        }
    }
}
