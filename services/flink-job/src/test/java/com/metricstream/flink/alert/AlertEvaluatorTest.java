package com.metricstream.flink.alert;

import com.metricstream.flink.config.AlertRule;
import com.metricstream.flink.config.JobConfig;
import com.metricstream.flink.model.AlertEvent;
import com.metricstream.flink.model.RuleSample;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Fire/resolve state per host and rule with the default (reference) thresholds, on Flink's keyed harness. */
class AlertEvaluatorTest {
    private static final long MIN = 60_000;
    private KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        open(List.copyOf(JobConfig.defaultRules().values()));
    }

    private void open(List<AlertRule> rules) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AlertEvaluator(rules, Duration.ofMinutes(10))), RuleSample::getKey, Types.STRING);
        harness.open();
    }

    /** The default rules with every duration removed: each level fires on its first breaching window. */
    private void reopenWithoutDurations() throws Exception {
        harness.close();
        open(JobConfig.defaultRules().values().stream()
                .map(r -> new AlertRule(r.name, r.measurement, r.field, r.where, r.hostTag, r.operator, r.stat, r.warning, 0, r.critical, 0))
                .collect(Collectors.toList()));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** One one-minute window [minute, minute+1) of the rule for the host. */
    private void window(String rule, String host, int minute, double value) throws Exception {
        long start = minute * MIN;
        harness.processElement(new RuleSample(rule, host, rule + ",host=" + host, value, start, start + MIN), start + MIN - 1);
    }

    private List<String> events() {
        List<String> out = harness.extractOutputValues().stream()
                .map(e -> e.rule + "/" + e.host + " " + e.state + " " + e.severity + " at " + e.timestamp / MIN + "m since " + e.since / MIN + "m")
                .collect(Collectors.toList());
        harness.getOutput().clear();
        return out;
    }

    @Test
    void cpuWarningAfterFiveMinutesAboveSeventyCriticalAfterTwoAboveNinetyThenResolved() throws Exception {
        for (int m = 0; m < 4; m++) window("cpu", "web-1", m, 75);
        assertThat(events()).isEmpty();                       // 4 minutes > 70 %: not yet
        window("cpu", "web-1", 4, 75);
        assertThat(events()).containsExactly("cpu/web-1 firing warning at 5m since 0m");

        window("cpu", "web-1", 5, 95);
        assertThat(events()).isEmpty();                       // 1 minute > 90 %: still warning
        window("cpu", "web-1", 6, 95);
        assertThat(events()).containsExactly("cpu/web-1 firing critical at 7m since 5m");

        window("cpu", "web-1", 7, 20);
        assertThat(events()).containsExactly("cpu/web-1 resolved critical at 8m since 0m");
        // nothing firing or pending: the key holds no state and no timer
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void criticalDropsToWarningBetweenTheThresholds() throws Exception {
        window("cpu", "h", 0, 95);
        window("cpu", "h", 1, 95);
        window("cpu", "h", 2, 80);
        assertThat(events()).containsExactly("cpu/h firing critical at 2m since 0m", "cpu/h firing warning at 3m since 0m");
    }

    @Test
    void aGapInTheWindowsRestartsTheSustainedCount() throws Exception {
        window("cpu", "h", 0, 95);
        window("cpu", "h", 2, 95);   // minute 1 missing: not two consecutive minutes
        assertThat(events()).isEmpty();
        window("cpu", "h", 3, 95);
        assertThat(events()).containsExactly("cpu/h firing critical at 4m since 2m");
    }

    @Test
    void rulesWithoutDurationFireOnTheFirstWindowAndStatePerHostAndRuleIsIndependent() throws Exception {
        reopenWithoutDurations();
        window("memory", "a", 0, 96);
        window("memory", "b", 0, 85);
        window("disk", "a", 0, 50);
        window("error_rate", "a", 0, 6);
        window("latency_p99", "a", 0, 600);
        assertThat(events()).containsExactly(
                "memory/a firing critical at 1m since 0m",
                "memory/b firing warning at 1m since 0m",
                "error_rate/a firing critical at 1m since 0m",
                "latency_p99/a firing warning at 1m since 0m");
        // four firing keys hold state; the healthy disk key holds none
        assertThat(harness.numKeyedStateEntries()).isEqualTo(4);
    }

    @Test
    void healthyHostsKeepNoState() throws Exception {
        for (int m = 0; m < 10; m++) window("cpu", "idle", m, 5);
        assertThat(events()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aHostThatStopsReportingIsResolvedAfterTheStateTtlAndForgotten() throws Exception {
        reopenWithoutDurations();
        window("memory", "gone", 0, 99);
        assertThat(events()).containsExactly("memory/gone firing critical at 1m since 0m");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(10 * MIN);      // 9 minutes after the last window: still within 10 min
        assertThat(events()).isEmpty();
        harness.processWatermark(11 * MIN);      // last window end (1m) + ttl (10m)
        List<AlertEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).state).isEqualTo("resolved");
        assertThat(out.get(0).reason).isEqualTo("no data");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void pendingStateMovesItsExpiryTimerInsteadOfAddingOne() throws Exception {
        window("cpu", "h", 0, 75);
        window("cpu", "h", 1, 75);
        window("cpu", "h", 2, 75);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void anOlderWindowArrivingLateIsIgnored() throws Exception {
        window("cpu", "h", 5, 95);
        window("cpu", "h", 6, 95);
        assertThat(events()).hasSize(1);
        window("cpu", "h", 3, 10);  // a late re-firing of an old window must not resolve the alert
        assertThat(events()).isEmpty();
        window("cpu", "h", 7, 10);
        assertThat(events()).containsExactly("cpu/h resolved critical at 8m since 0m");
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        window("cpu", "h", 0, 95);
        var snapshot = harness.snapshot(1, 1);
        harness.close();
        setUp();
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AlertEvaluator(List.copyOf(JobConfig.defaultRules().values()), Duration.ofMinutes(10))),
                RuleSample::getKey, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        window("cpu", "h", 1, 95);  // the second consecutive minute, counted from restored state
        assertThat(events()).containsExactly("cpu/h firing critical at 2m since 0m");
    }
}
