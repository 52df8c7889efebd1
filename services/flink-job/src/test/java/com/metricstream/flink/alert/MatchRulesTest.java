package com.metricstream.flink.alert;

import com.metricstream.flink.TestConfigs;
import com.metricstream.flink.config.JobConfig;
import com.metricstream.flink.model.RuleSample;
import com.metricstream.flink.model.WindowAggregate;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MatchRulesTest {
    private final JobConfig cfg = TestConfigs.config();

    private static WindowAggregate agg(String series, String field, double min, double max, double sum, long count) {
        WindowAggregate a = new WindowAggregate();
        a.seriesKey = series;
        a.field = field;
        a.windowStart = 0;
        a.windowEnd = 60_000;
        a.count = count;
        a.min = min;
        a.max = max;
        a.sum = sum;
        a.last = max;
        return a;
    }

    private List<RuleSample> match(WindowAggregate... aggs) {
        List<RuleSample> out = new ArrayList<>();
        MatchRules m = new MatchRules(cfg.alerts.rules);
        Collector<RuleSample> c = new Collector<>() {
            @Override
            public void collect(RuleSample r) {
                out.add(r);
            }

            @Override
            public void close() {}
        };
        for (WindowAggregate a : aggs) m.flatMap(a, c);
        return out;
    }

    @Test
    void matchesMeasurementFieldAndWhereTagsAndTakesTheMean() {
        List<RuleSample> out = match(
                agg("cpu,cpu=cpu-total,host=web-1", "usage_active", 50, 90, 210, 3),
                agg("cpu,cpu=cpu0,host=web-1", "usage_active", 99, 99, 99, 1),      // not cpu-total
                agg("cpu,cpu=cpu-total,host=web-1", "usage_idle", 1, 1, 1, 1),     // other field
                agg("disk,device=sda1,host=db-1,path=/", "used_percent", 81, 81, 81, 1));
        assertThat(out).extracting(RuleSample::toString).containsExactly(
                "cpu|web-1=70.0@[0,60000)", "disk|db-1=81.0@[0,60000)");
    }

    @Test
    void worstSeriesPerHostWinsForAboveRules() {
        WorstSample worst = new WorstSample(cfg.alerts.rules);
        RuleSample a = new RuleSample("disk", "db-1", "disk,host=db-1,path=/", 40, 0, 60_000);
        RuleSample b = new RuleSample("disk", "db-1", "disk,host=db-1,path=/data", 97, 0, 60_000);
        assertThat(worst.reduce(a, b).series).isEqualTo("disk,host=db-1,path=/data");
        assertThat(worst.reduce(b, a).series).isEqualTo("disk,host=db-1,path=/data");
    }
}
