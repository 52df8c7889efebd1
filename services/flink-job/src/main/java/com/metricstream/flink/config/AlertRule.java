package com.metricstream.flink.config;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * One alert rule: a window statistic of one field of one measurement, compared per host against a
 * warning and/or a critical threshold that must hold for a duration (consecutive windows).
 */
public final class AlertRule implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Operator { ABOVE, BELOW }

    public enum Stat { MEAN, MIN, MAX, LAST, SUM, COUNT }

    public final String name;
    public final String measurement;
    public final String field;
    /** Tags a series must carry, e.g. cpu=cpu-total; empty for any. */
    public final Map<String, String> where;
    public final String hostTag;
    public final Operator operator;
    public final Stat stat;
    /** Null when the rule has no warning level. */
    public final Double warning;
    public final long warningForMs;
    /** Null when the rule has no critical level. */
    public final Double critical;
    public final long criticalForMs;

    public AlertRule(String name, String measurement, String field, Map<String, String> where, String hostTag,
                     Operator operator, Stat stat, Double warning, long warningForMs, Double critical, long criticalForMs) {
        this.name = name;
        this.measurement = measurement;
        this.field = field;
        this.where = Map.copyOf(where);
        this.hostTag = hostTag;
        this.operator = operator;
        this.stat = stat;
        this.warning = warning;
        this.warningForMs = warningForMs;
        this.critical = critical;
        this.criticalForMs = criticalForMs;
    }

    public boolean breaches(double value, Double threshold) {
        if (threshold == null || Double.isNaN(value)) return false;
        return operator == Operator.ABOVE ? value > threshold : value < threshold;
    }

    /** The worse of two values under this rule's operator (higher for ABOVE, lower for BELOW). */
    public double worse(double a, double b) {
        return operator == Operator.ABOVE ? Math.max(a, b) : Math.min(a, b);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AlertRule)) return false;
        AlertRule r = (AlertRule) o;
        return name.equals(r.name) && measurement.equals(r.measurement) && field.equals(r.field) && where.equals(r.where)
                && hostTag.equals(r.hostTag) && operator == r.operator && stat == r.stat
                && Objects.equals(warning, r.warning) && warningForMs == r.warningForMs
                && Objects.equals(critical, r.critical) && criticalForMs == r.criticalForMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, measurement, field);
    }

    @Override
    public String toString() {
        return name + ": " + stat.name().toLowerCase() + "(" + measurement + "." + field + ")" + (where.isEmpty() ? "" : " where " + where)
                + (warning != null ? " warning " + (operator == Operator.ABOVE ? ">" : "<") + warning + " for " + warningForMs + "ms" : "")
                + (critical != null ? " critical " + (operator == Operator.ABOVE ? ">" : "<") + critical + " for " + criticalForMs + "ms" : "");
    }
}
