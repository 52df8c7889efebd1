package com.metricstream.flink.model;

/** One window's value of one alert rule for one host (the worst over the host's matching series). */
public class RuleSample {
    public String rule;
    public String host;
    public String series;
    public double value;
    public long windowStart;
    public long windowEnd;

    public RuleSample() {}

    public RuleSample(String rule, String host, String series, double value, long windowStart, long windowEnd) {
        this.rule = rule;
        this.host = host;
        this.series = series;
        this.value = value;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    /** Alert state key: rule and host. */
    public String getKey() {
        return rule + '|' + host;
    }

    @Override
    public String toString() {
        return rule + "|" + host + "=" + value + "@[" + windowStart + "," + windowEnd + ")";
    }
}
