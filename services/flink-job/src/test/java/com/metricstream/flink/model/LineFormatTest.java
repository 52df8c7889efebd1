package com.metricstream.flink.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LineFormatTest {
    private static AlertEvent alert() {
        AlertEvent e = new AlertEvent();
        e.rule = "cpu";
        e.host = "web 1";
        e.severity = "critical";
        e.state = "firing";
        e.value = 95.5;
        e.threshold = 90;
        e.measurement = "cpu";
        e.field = "usage_active";
        e.series = "cpu,cpu=cpu-total,host=web\\ 1";
        e.since = 60_000;
        e.timestamp = 180_000;
        e.reason = "threshold";
        return e;
    }

    @Test
    void alertsAsLineProtocolWithEscapedTagsAndStringFields() {
        assertThat(alert().toLineProtocol()).isEqualTo(
                "alerts,host=web\\ 1,rule=cpu,severity=critical,state=firing value=95.5,threshold=90.0,measurement=\"cpu\","
                        + "field=\"usage_active\",series=\"cpu,cpu=cpu-total,host=web\\\\ 1\",reason=\"threshold\",since=60000i 180000");
    }

    @Test
    void alertsAsJsonForTheAlertsTopic() {
        assertThat(new String(alert().toJson(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"rule\":\"cpu\",\"host\":\"web 1\",\"severity\":\"critical\",\"state\":\"firing\",\"value\":95.5,\"threshold\":90.0,"
                        + "\"measurement\":\"cpu\",\"field\":\"usage_active\",\"series\":\"cpu,cpu=cpu-total,host=web\\\\ 1\","
                        + "\"reason\":\"threshold\",\"since\":60000,\"ts\":180000}");
    }

    @Test
    void nonFiniteAggregatesAreLeftOut() {
        WindowAggregate a = new WindowAggregate();
        a.seriesKey = "m";
        a.field = "f";
        a.count = 2;
        a.min = 1;
        a.max = Double.POSITIVE_INFINITY;
        a.sum = Double.POSITIVE_INFINITY;
        a.last = 1;
        a.windowStart = 0;
        assertThat(a.toLineProtocol()).isEqualTo("m f_count=2i,f_min=1.0,f_last=1.0 0");
    }
}
