package com.metricstream.flink.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The job's whole configuration, read from Managed Flink property groups (or the same groups from a
 * local JSON file / arguments) and validated once at start. Property names are {@code group.key};
 * docs/flink-job.md lists them with their defaults.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Set<String> GROUPS = Set.of("kafka", "window", "alerts", "job");

    public final Kafka kafka;
    public final Window window;
    public final Alerts alerts;
    public final Job job;

    private JobConfig(Kafka kafka, Window window, Alerts alerts, Job job) {
        this.kafka = kafka;
        this.window = window;
        this.alerts = alerts;
        this.job = job;
    }

    /** Kafka (MSK) connection, topics and consumer group. */
    public static final class Kafka implements Serializable {
        private static final long serialVersionUID = 1L;
        public String bootstrapServers;
        /** plaintext | tls | iam (MSK IAM over SASL_SSL). */
        public String authMode;
        public String metricsTopic;
        public String alertsTopic;
        /** Window aggregates and alert events as line protocol, one record per line (docs/wire-format.md). */
        public String aggregatesTopic;
        /** Empty: malformed records are only counted; else they are also written to this topic. */
        public String malformedTopic;
        public String groupId;
        /** committed (falling back to earliest) | earliest | latest. */
        public String startingOffsets;

        /** Client properties for the chosen auth mode (shared by source and sinks). */
        public Properties securityProperties() {
            Properties p = new Properties();
            switch (authMode) {
                case "iam":
                    p.setProperty("security.protocol", "SASL_SSL");
                    p.setProperty("sasl.mechanism", "AWS_MSK_IAM");
                    p.setProperty("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
                    p.setProperty("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
                    break;
                case "tls":
                    p.setProperty("security.protocol", "SSL");
                    break;
                default:
                    p.setProperty("security.protocol", "PLAINTEXT");
            }
            return p;
        }
    }

    /** Windowing and watermarks. */
    public static final class Window implements Serializable {
        private static final long serialVersionUID = 1L;
        public Duration size;
        public Duration allowedLateness;
        public Duration outOfOrderness;
        public Duration idleness;
    }

    /** Alert rules and state lifetime. */
    public static final class Alerts implements Serializable {
        private static final long serialVersionUID = 1L;
        public List<AlertRule> rules;
        /** Per host and rule state is dropped after this much event time without a window (firing alerts resolve). */
        public Duration stateTtl;
    }

    /** Settings applied when the job configures its own environment (locally; Managed Flink sets them itself). */
    public static final class Job implements Serializable {
        private static final long serialVersionUID = 1L;
        public Duration checkpointInterval;
        public String checkpointDir;
        public int parallelism;
        /** How often each source subtask writes its pipeline statistics (PipelineStats); applies on Managed Flink too. */
        public Duration statsInterval;
    }

    public static JobConfig fromPropertyGroups(Map<String, Properties> groups) {
        for (String g : groups.keySet()) {
            if (g.equals("influx")) {
                // The stack of an older version still sends it: say what replaced it rather than "unknown".
                throw new ConfigException("property group influx is no longer read: the job writes aggregates and alerts to "
                        + "kafka.aggregates.topic and each InfluxDB node loads them itself; remove the group");
            }
            // groups the Managed Flink service itself reads (e.g. kinesis.analytics.flink.run.options)
            if (g.startsWith("kinesis.analytics.")) continue;
            if (!GROUPS.contains(g)) throw new ConfigException("unknown property group " + g + " (expected one of " + GROUPS + ")");
        }
        PropertyGroup k = new PropertyGroup("kafka", groups.get("kafka"));
        Kafka kafka = new Kafka();
        kafka.bootstrapServers = k.required("bootstrap.servers");
        for (String hp : kafka.bootstrapServers.split(",")) {
            if (!hp.trim().matches("[^\\s:]+:\\d{1,5}")) {
                throw new ConfigException("kafka.bootstrap.servers (" + kafka.bootstrapServers + ") must be host:port[,host:port...]");
            }
        }
        kafka.authMode = k.oneOf("auth.mode", "iam", "iam", "tls", "plaintext");
        kafka.metricsTopic = topic(k, "metrics.topic", "metrics");
        kafka.alertsTopic = topic(k, "alerts.topic", "alerts");
        kafka.aggregatesTopic = topic(k, "aggregates.topic", "aggregates");
        kafka.malformedTopic = k.has("malformed.topic") ? topic(k, "malformed.topic", null) : "";
        kafka.groupId = k.string("group.id", "metricstream-flink");
        kafka.startingOffsets = k.oneOf("starting.offsets", "committed", "committed", "earliest", "latest");
        if (kafka.metricsTopic.equals(kafka.alertsTopic)) {
            throw new ConfigException("kafka.alerts.topic (" + kafka.alertsTopic + ") must differ from kafka.metrics.topic");
        }
        if (kafka.aggregatesTopic.equals(kafka.metricsTopic) || kafka.aggregatesTopic.equals(kafka.alertsTopic)) {
            throw new ConfigException("kafka.aggregates.topic (" + kafka.aggregatesTopic + ") must differ from kafka.metrics.topic and kafka.alerts.topic");
        }
        k.rejectUnknown();

        PropertyGroup w = new PropertyGroup("window", groups.get("window"));
        Window window = new Window();
        window.size = w.duration("size", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1));
        window.allowedLateness = w.duration("allowed.lateness", Duration.ofMinutes(1), Duration.ZERO, Duration.ofDays(1));
        window.outOfOrderness = w.duration("out.of.orderness", Duration.ofSeconds(10), Duration.ZERO, Duration.ofHours(1));
        window.idleness = w.duration("idleness", Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofDays(1));
        w.rejectUnknown();

        PropertyGroup a = new PropertyGroup("alerts", groups.get("alerts"));
        Alerts alerts = new Alerts();
        alerts.rules = rules(a);
        alerts.stateTtl = a.duration("state.ttl", Duration.ofHours(1), window.size, Duration.ofDays(30));
        a.rejectUnknown();

        PropertyGroup j = new PropertyGroup("job", groups.get("job"));
        Job job = new Job();
        job.checkpointInterval = j.duration("checkpoint.interval", Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofHours(1));
        job.checkpointDir = j.string("checkpoint.dir", "");
        job.parallelism = j.integer("parallelism", 0, 0, 10_000);
        job.statsInterval = j.duration("stats.interval", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofHours(1));
        j.rejectUnknown();

        return new JobConfig(kafka, window, alerts, job);
    }

    private static String topic(PropertyGroup g, String key, String dflt) {
        String t = g.string(key, dflt);
        if (t == null || !t.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new ConfigException(g.name(key) + " (" + t + ") is not a valid Kafka topic name");
        }
        return t;
    }

    // ---- alert rules ----------------------------------------------------------------------------

    private static final long MIN = 60_000L;

    /**
     * Built-in rules from the capacity reference's thresholds, for local runs: the deployed job gets
     * every threshold and duration in its {@code alerts} property group from lib/plan/thresholds.ts,
     * the same figures as the CloudWatch alarms, and ContractFixturesTest keeps these defaults equal to
     * them. Measurement and field names are Telegraf's where Telegraf has them (cpu.usage_active needs
     * {@code report_active = true} in Telegraf's cpu input); the service-level ones are ours and
     * documented in docs/flink-job.md.
     */
    public static Map<String, AlertRule> defaultRules() {
        Map<String, AlertRule> m = new LinkedHashMap<>();
        m.put("cpu", new AlertRule("cpu", "cpu", "usage_active", Map.of("cpu", "cpu-total"), "host",
                AlertRule.Operator.ABOVE, AlertRule.Stat.MEAN, 70.0, 5 * MIN, 90.0, 2 * MIN));
        m.put("memory", new AlertRule("memory", "mem", "used_percent", Map.of(), "host",
                AlertRule.Operator.ABOVE, AlertRule.Stat.MEAN, 80.0, 5 * MIN, 95.0, 2 * MIN));
        m.put("disk", new AlertRule("disk", "disk", "used_percent", Map.of(), "host",
                AlertRule.Operator.ABOVE, AlertRule.Stat.MEAN, 80.0, 5 * MIN, 95.0, 2 * MIN));
        m.put("error_rate", new AlertRule("error_rate", "service", "error_rate_percent", Map.of(), "host",
                AlertRule.Operator.ABOVE, AlertRule.Stat.MEAN, null, 0, 5.0, 2 * MIN));
        m.put("latency_p99", new AlertRule("latency_p99", "service", "latency_p99_ms", Map.of(), "host",
                AlertRule.Operator.ABOVE, AlertRule.Stat.MEAN, 500.0, 5 * MIN, 1000.0, 2 * MIN));
        return m;
    }

    private static List<AlertRule> rules(PropertyGroup a) {
        Map<String, AlertRule> defaults = defaultRules();
        List<String> names = a.list("rules", new ArrayList<>(defaults.keySet()));
        List<AlertRule> rules = new ArrayList<>();
        for (String name : names) {
            if (!name.matches("[a-zA-Z0-9_-]+")) throw new ConfigException("alerts.rules: rule name " + name + " may use only letters, digits, _ and -");
            for (AlertRule r : rules) if (r.name.equals(name)) throw new ConfigException("alerts.rules lists " + name + " twice");
            rules.add(rule(a, name, defaults.get(name)));
        }
        // Keys of rules not listed in alerts.rules are mistakes, not silently ignored settings.
        for (String key : a.keys()) {
            if (key.startsWith("rule.")) {
                String rest = key.substring(5);
                int dot = rest.indexOf('.');
                String rule = dot < 0 ? rest : rest.substring(0, dot);
                if (!names.contains(rule)) throw new ConfigException("alerts." + key + " configures rule " + rule + ", which alerts.rules does not list");
            }
        }
        return rules;
    }

    private static AlertRule rule(PropertyGroup a, String name, AlertRule d) {
        String p = "rule." + name + ".";
        String measurement = d == null ? a.required(p + "measurement") : a.string(p + "measurement", d.measurement);
        String field = d == null ? a.required(p + "field") : a.string(p + "field", d.field);
        Map<String, String> where = d == null ? Map.of() : d.where;
        if (a.has(p + "where")) {
            where = new HashMap<>();
            for (String kv : a.list(p + "where", List.of())) {
                int eq = kv.indexOf('=');
                if (eq <= 0 || eq == kv.length() - 1) throw new ConfigException(a.name(p + "where") + " (" + kv + ") must be tag=value[,tag=value...]");
                where.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        } else if (a.string(p + "where", null) == null && a.keys().contains(p + "where")) {
            where = Map.of(); // explicitly empty: no filter
        }
        String hostTag = a.string(p + "host.tag", d == null ? "host" : d.hostTag);
        String op = a.oneOf(p + "operator", d == null ? "above" : d.operator.name().toLowerCase(), "above", "below");
        String stat = a.oneOf(p + "stat", d == null ? "mean" : d.stat.name().toLowerCase(), "mean", "min", "max", "last", "sum", "count");
        // "none" removes a level a default rule has (e.g. a rule that only goes critical)
        Double warning = "none".equalsIgnoreCase(a.string(p + "warning", "")) ? null : a.number(p + "warning", d == null ? null : d.warning);
        Double critical = "none".equalsIgnoreCase(a.string(p + "critical", "")) ? null : a.number(p + "critical", d == null ? null : d.critical);
        long warnFor = a.duration(p + "warning.for", Duration.ofMillis(d == null ? 0 : d.warningForMs), Duration.ZERO, Duration.ofDays(1)).toMillis();
        long critFor = a.duration(p + "critical.for", Duration.ofMillis(d == null ? 0 : d.criticalForMs), Duration.ZERO, Duration.ofDays(1)).toMillis();
        if (warning == null && critical == null) {
            throw new ConfigException("alerts." + p + "warning or alerts." + p + "critical is required (rule " + name + " has no threshold)");
        }
        AlertRule.Operator operator = AlertRule.Operator.valueOf(op.toUpperCase());
        if (warning != null && critical != null) {
            boolean ordered = operator == AlertRule.Operator.ABOVE ? critical >= warning : critical <= warning;
            if (!ordered) {
                throw new ConfigException("alerts." + p + "critical (" + critical + ") must be " + (operator == AlertRule.Operator.ABOVE ? ">=" : "<=")
                        + " alerts." + p + "warning (" + warning + ") for operator " + op);
            }
        }
        return new AlertRule(name, measurement, field, where, hostTag, operator, AlertRule.Stat.valueOf(stat.toUpperCase()),
                warning, warnFor, critical, critFor);
    }
}
