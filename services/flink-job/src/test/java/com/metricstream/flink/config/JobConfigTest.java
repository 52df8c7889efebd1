package com.metricstream.flink.config;

import com.metricstream.flink.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobConfigTest {

    @Test
    void defaults() {
        JobConfig c = TestConfigs.config();
        assertThat(c.kafka.metricsTopic).isEqualTo("metrics");
        assertThat(c.kafka.alertsTopic).isEqualTo("alerts");
        assertThat(c.kafka.aggregatesTopic).isEqualTo("aggregates");
        assertThat(c.kafka.malformedTopic).isEmpty();
        assertThat(c.kafka.groupId).isEqualTo("metricstream-flink");
        assertThat(c.kafka.startingOffsets).isEqualTo("committed");
        assertThat(c.window.size).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.window.allowedLateness).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.window.outOfOrderness).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.window.idleness).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.alerts.stateTtl).isEqualTo(Duration.ofHours(1));
        assertThat(c.job.statsInterval).isEqualTo(Duration.ofSeconds(10));
        assertThat(TestConfigs.config("job.stats.interval", "30 s").job.statsInterval).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.alerts.rules).extracting(r -> r.name).containsExactly("cpu", "memory", "disk", "error_rate", "latency_p99");
        assertThat(c.alerts.rules.get(0)).hasToString(
                "cpu: mean(cpu.usage_active) where {cpu=cpu-total} warning >70.0 for 300000ms critical >90.0 for 120000ms");
    }

    @Test
    void authModeIamSetsTheMskIamClientProperties() {
        Properties p = TestConfigs.config("kafka.auth.mode", "iam").kafka.securityProperties();
        assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "AWS_MSK_IAM")
                .containsEntry("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
    }

    @Test
    void aDefaultRuleCanBeOverriddenAndACustomRuleAdded() {
        JobConfig c = TestConfigs.config(
                "alerts.rules", "cpu,swap",
                "alerts.rule.cpu.field", "usage_idle",
                "alerts.rule.cpu.operator", "below",
                "alerts.rule.cpu.warning", "30",
                "alerts.rule.cpu.critical", "10",
                "alerts.rule.swap.measurement", "swap",
                "alerts.rule.swap.field", "used_percent",
                "alerts.rule.swap.stat", "max",
                "alerts.rule.swap.critical", "50",
                "alerts.rule.swap.critical.for", "3 min");
        assertThat(c.alerts.rules).hasSize(2);
        AlertRule cpu = c.alerts.rules.get(0);
        assertThat(cpu.operator).isEqualTo(AlertRule.Operator.BELOW);
        assertThat(cpu.where).isEqualTo(Map.of("cpu", "cpu-total"));
        assertThat(cpu.warningForMs).isEqualTo(300_000);
        assertThat(cpu.breaches(25, cpu.warning)).isTrue();
        AlertRule swap = c.alerts.rules.get(1);
        assertThat(swap.warning).isNull();
        assertThat(swap.criticalForMs).isEqualTo(180_000);
        assertThat(swap.stat).isEqualTo(AlertRule.Stat.MAX);
        assertThat(swap.where).isEmpty();
    }

    @Test
    void noRulesWhenTheListIsEmpty() {
        assertThat(TestConfigs.config("alerts.rules", ",").alerts.rules).isEmpty();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "kafka.bootstrap.servers|NULL|kafka.bootstrap.servers is required",
            "kafka.bootstrap.servers|localhost|kafka.bootstrap.servers (localhost) must be host:port",
            "kafka.auth.mode|sasl|kafka.auth.mode (sasl) must be one of [iam, tls, plaintext]",
            "kafka.metrics.topic|bad topic|kafka.metrics.topic (bad topic) is not a valid Kafka topic name",
            "kafka.alerts.topic|metrics|kafka.alerts.topic (metrics) must differ from kafka.metrics.topic",
            "kafka.starting.offsets|middle|kafka.starting.offsets (middle) must be one of",
            "kafka.bootstrap.server|x:1|unknown properties [kafka.bootstrap.server]",
            "kafka.aggregates.topic|alerts|kafka.aggregates.topic (alerts) must differ from kafka.metrics.topic and kafka.alerts.topic",
            "kafka.aggregates.topic|metrics|kafka.aggregates.topic (metrics) must differ",
            "kafka.aggregates.topic|a/b|kafka.aggregates.topic (a/b) is not a valid Kafka topic name",
            "window.size|0 s|window.size (0 s) must be between 1 s and 1 d",
            "window.allowed.lateness|-1 s|window.allowed.lateness (-1 s) is not a duration",
            "window.idleness|10 ms|window.idleness (10 ms) must be between 100 ms",
            "alerts.rule.cpu.warning|hot|alerts.rule.cpu.warning (hot) is not a finite number",
            "alerts.rule.cpu.critical|50|alerts.rule.cpu.critical (50.0) must be >= alerts.rule.cpu.warning (70.0)",
            "alerts.rule.nope.field|x|alerts.rule.nope.field configures rule nope, which alerts.rules does not list",
            "alerts.rules|cpu,cpu|alerts.rules lists cpu twice",
            "alerts.rules|my rule|alerts.rules: rule name my rule may use only letters",
            "alerts.rules|custom|alerts.rule.custom.measurement is required",
            "alerts.rule.cpu.where|cpu|alerts.rule.cpu.where (cpu) must be tag=value",
            "job.parallelism|-1|job.parallelism (-1) must be between 0 and 10000",
            "job.stats.interval|500 ms|job.stats.interval (500 ms) must be between 1 s and 1 h",
    })
    void invalidPropertiesFailWithAMessageNamingTheProperty(String key, String value, String message) {
        assertThatThrownBy(() -> TestConfigs.config(key, value))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aRuleWithoutAnyThresholdIsRejected() {
        assertThatThrownBy(() -> TestConfigs.config("alerts.rules", "x", "alerts.rule.x.measurement", "m", "alerts.rule.x.field", "f"))
                .hasMessage("alerts.rule.x.warning or alerts.rule.x.critical is required (rule x has no threshold)");
    }

    @Test
    void unknownGroupsAreRejected() {
        Map<String, Properties> g = TestConfigs.groups();
        g.put("kafak", new Properties());
        assertThatThrownBy(() -> JobConfig.fromPropertyGroups(g)).hasMessageContaining("unknown property group kafak");
    }

    @Test
    void theRetiredInfluxGroupIsRejectedSayingWhatReplacedIt() {
        // the job no longer writes to InfluxDB: endpoints given to it would silently do nothing
        Map<String, Properties> g = TestConfigs.groups();
        Properties influx = new Properties();
        influx.setProperty("endpoints", "http://10.0.0.1:8086");
        g.put("influx", influx);
        assertThatThrownBy(() -> JobConfig.fromPropertyGroups(g))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("property group influx is no longer read")
                .hasMessageContaining("kafka.aggregates.topic");
    }

    @Test
    void groupsOfTheManagedFlinkServiceItselfAreIgnored() {
        Map<String, Properties> g = TestConfigs.groups();
        Properties run = new Properties();
        run.setProperty("jarfile", "x.jar");
        g.put("kinesis.analytics.flink.run.options", run);
        assertThat(JobConfig.fromPropertyGroups(g).kafka.bootstrapServers).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void loadsTheManagedFlinkJsonFormatFromAFileAndArgumentsOverrideIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("app.json");
        Files.writeString(f, "[{\"PropertyGroupId\":\"kafka\",\"PropertyMap\":{\"bootstrap.servers\":\"b-1:9098,b-2:9098\",\"metrics.topic\":\"m\",\"aggregates.topic\":\"agg\"}},"
                + "{\"PropertyGroupId\":\"window\",\"PropertyMap\":{\"size\":\"5 min\"}}]");
        ConfigLoader.Loaded l = ConfigLoader.load(new String[] {"--config", f.toString(), "--window.allowed.lateness", "10 s"});
        assertThat(l.managedFlink()).isFalse();
        assertThat(l.config().kafka.bootstrapServers).isEqualTo("b-1:9098,b-2:9098");
        assertThat(l.config().kafka.authMode).isEqualTo("iam");
        assertThat(l.config().kafka.metricsTopic).isEqualTo("m");
        assertThat(l.config().window.size).isEqualTo(Duration.ofMinutes(5));
        assertThat(l.config().window.allowedLateness).isEqualTo(Duration.ofSeconds(10));
        assertThat(l.config().kafka.aggregatesTopic).isEqualTo("agg");
    }

    @Test
    void withoutAConfigFileArgumentsAloneConfigureALocalRun() throws Exception {
        // off AWS there is no runtime properties file: only the arguments count
        ConfigLoader.Loaded l = ConfigLoader.load(new String[] {
                "--kafka.bootstrap.servers", "127.0.0.1:9092", "--kafka.auth.mode", "plaintext", "--kafka.aggregates.topic", "agg-local"});
        assertThat(l.managedFlink()).isFalse();
        assertThat(l.config().kafka.aggregatesTopic).isEqualTo("agg-local");
        assertThatThrownBy(() -> ConfigLoader.load(new String[0])).hasMessage("kafka.bootstrap.servers is required");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--config"})).hasMessageContaining("expected --config FILE");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--nogroup", "x"})).hasMessageContaining("expected --group.key");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--config", "/nonexistent.json"})).hasMessageContaining("file not readable");
    }
}
