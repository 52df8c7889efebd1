package com.metricstream.flink.alert;

import com.metricstream.flink.config.AlertRule;
import com.metricstream.flink.model.AlertEvent;
import com.metricstream.flink.model.RuleSample;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fire/resolve state machine per (rule, host), fed one {@link RuleSample} per window.
 *
 * <p>A level fires when its threshold has been breached by consecutive windows spanning at least the
 * level's duration (CPU: 5 one-minute windows over 70 % → warning; 2 over 90 % → critical). The
 * highest satisfied level wins; a change of level emits a {@code firing} event (up or down), and the
 * first window breaching no threshold emits {@code resolved}. A gap in the windows (a window that
 * does not start where the last one ended) restarts the "sustained" count.
 *
 * <p>State: one {@link AlertState} per key, created by the first breaching window and cleared as
 * soon as nothing is firing or pending, so healthy hosts hold no state. Timer: while state exists,
 * one event-time timer at last window end + {@code stateTtl}; it is moved on every window and, if it
 * fires (the host stopped reporting), resolves a firing alert with reason "no data" and clears state.
 * Samples for windows at or before the last one seen (late re-firings) are ignored.
 */
public class AlertEvaluator extends KeyedProcessFunction<String, RuleSample, AlertEvent> {
    private static final long serialVersionUID = 1L;

    private final List<AlertRule> ruleList;
    private final long stateTtlMs;

    private transient Map<String, AlertRule> rules;
    private transient ValueState<AlertState> state;
    private transient Counter fired;
    private transient Counter resolved;

    public AlertEvaluator(List<AlertRule> rules, Duration stateTtl) {
        this.ruleList = List.copyOf(rules);
        this.stateTtlMs = stateTtl.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        rules = new HashMap<>();
        for (AlertRule r : ruleList) rules.put(r.name, r);
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("alert-state", AlertState.class));
        fired = getRuntimeContext().getMetricGroup().counter("alertsFired");
        resolved = getRuntimeContext().getMetricGroup().counter("alertsResolved");
    }

    @Override
    public void processElement(RuleSample s, Context ctx, Collector<AlertEvent> out) throws Exception {
        AlertRule rule = rules.get(s.rule);
        if (rule == null) return; // a rule removed from the configuration since the sample was made
        AlertState st = state.value();
        boolean breachesWarning = rule.breaches(s.value, rule.warning);
        boolean breachesCritical = rule.breaches(s.value, rule.critical);
        if (st == null) {
            if (!breachesWarning && !breachesCritical) return; // healthy and no state: nothing to keep
            st = new AlertState();
        } else if (s.windowEnd <= st.lastWindowEnd) {
            return; // an older window (late re-firing): the state has moved past it
        }

        boolean consecutive = s.windowStart == st.lastWindowEnd;
        st.warningSince = !breachesWarning ? -1 : (consecutive && st.warningSince >= 0 ? st.warningSince : s.windowStart);
        st.criticalSince = !breachesCritical ? -1 : (consecutive && st.criticalSince >= 0 ? st.criticalSince : s.windowStart);
        st.lastWindowEnd = s.windowEnd;
        st.lastValue = s.value;
        st.lastSeries = s.series;

        int target = AlertState.OK;
        if (st.criticalSince >= 0 && s.windowEnd - st.criticalSince >= rule.criticalForMs) {
            target = AlertState.CRITICAL;
        } else if (st.warningSince >= 0 && s.windowEnd - st.warningSince >= rule.warningForMs) {
            target = AlertState.WARNING;
        } else if (st.level != AlertState.OK && (breachesWarning || breachesCritical)) {
            // Still breaching, but no level's duration is met (a gap restarted the count, or a
            // critical value dropped between the thresholds before the warning duration was
            // reached): keep firing rather than resolve and re-fire — at warning when only the
            // warning threshold is still breached.
            target = st.level == AlertState.CRITICAL && !breachesCritical ? AlertState.WARNING : st.level;
        }

        if (target != st.level) {
            if (target == AlertState.OK) {
                out.collect(event(rule, s, st.level, AlertEvent.RESOLVED, "threshold", -1));
                resolved.inc();
            } else {
                long since = target == AlertState.CRITICAL ? st.criticalSince : st.warningSince;
                out.collect(event(rule, s, target, AlertEvent.FIRING, "threshold", since));
                fired.inc();
            }
            st.level = target;
        }

        if (st.expiryTimer != Long.MIN_VALUE) ctx.timerService().deleteEventTimeTimer(st.expiryTimer);
        if (st.isIdle()) {
            state.clear();
        } else {
            st.expiryTimer = s.windowEnd + stateTtlMs;
            ctx.timerService().registerEventTimeTimer(st.expiryTimer);
            state.update(st);
        }
    }

    /** No window for {@code stateTtl}: the host stopped reporting; resolve what fires and forget the key. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        AlertState st = state.value();
        if (st == null || st.expiryTimer != timestamp) return;
        if (st.level != AlertState.OK) {
            String[] key = ctx.getCurrentKey().split("\\|", 2);
            AlertRule rule = rules.get(key[0]);
            if (rule != null) {
                RuleSample last = new RuleSample(key[0], key[1], st.lastSeries, st.lastValue, st.lastWindowEnd, timestamp);
                out.collect(event(rule, last, st.level, AlertEvent.RESOLVED, "no data", -1));
                resolved.inc();
            }
        }
        state.clear();
    }

    private static AlertEvent event(AlertRule rule, RuleSample s, int level, String kind, String reason, long since) {
        AlertEvent e = new AlertEvent();
        e.rule = rule.name;
        e.host = s.host;
        e.severity = level == AlertState.CRITICAL ? "critical" : "warning";
        e.state = kind;
        e.value = s.value;
        Double threshold = level == AlertState.CRITICAL ? rule.critical : rule.warning;
        e.threshold = threshold == null ? Double.NaN : threshold;
        e.measurement = rule.measurement;
        e.field = rule.field;
        e.series = s.series;
        e.since = Math.max(since, 0);
        e.timestamp = s.windowEnd;
        e.reason = reason;
        return e;
    }
}
