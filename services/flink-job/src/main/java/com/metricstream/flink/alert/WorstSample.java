package com.metricstream.flink.alert;

import com.metricstream.flink.config.AlertRule;
import com.metricstream.flink.model.RuleSample;
import org.apache.flink.api.common.functions.ReduceFunction;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Of the samples of one rule and host in one window (a host has several disks, for example), keeps
 * the worst under the rule's operator: the alert is about the host's worst series.
 */
public class WorstSample implements ReduceFunction<RuleSample> {
    private static final long serialVersionUID = 1L;

    private final Map<String, AlertRule> rules = new HashMap<>();

    public WorstSample(List<AlertRule> rules) {
        for (AlertRule r : rules) this.rules.put(r.name, r);
    }

    @Override
    public RuleSample reduce(RuleSample a, RuleSample b) {
        AlertRule r = rules.get(a.rule);
        return r.worse(a.value, b.value) == b.value && b.value != a.value ? b : a;
    }
}
