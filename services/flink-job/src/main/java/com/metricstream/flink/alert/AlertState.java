package com.metricstream.flink.alert;

/** Per host and rule alert state (a POJO of primitives, kept in keyed ValueState). */
public class AlertState {
    public static final int OK = 0;
    public static final int WARNING = 1;
    public static final int CRITICAL = 2;

    /** The level currently fired (OK when nothing is firing). */
    public int level;
    /** Start of the first of the consecutive windows breaching the warning threshold, or -1. */
    public long warningSince = -1;
    /** Start of the first of the consecutive windows breaching the critical threshold, or -1. */
    public long criticalSince = -1;
    /** End of the last window seen; a window that does not start here breaks "sustained". */
    public long lastWindowEnd = Long.MIN_VALUE;
    /** The event-time timer registered for state expiry, or Long.MIN_VALUE. */
    public long expiryTimer = Long.MIN_VALUE;
    public double lastValue;
    public String lastSeries;

    public AlertState() {}

    public boolean isIdle() {
        return level == OK && warningSince < 0 && criticalSince < 0;
    }
}
