package com.metricstream.flink.contract;

import com.metricstream.flink.TestConfigs;
import com.metricstream.flink.config.ConfigLoader;
import com.metricstream.flink.config.JobConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property groups the CDK app synthesizes for each environment's Managed Flink application
 * (test/fixtures/contracts/&lt;env&gt;-flink-properties.json, written by {@code npm run contracts:write}
 * and checked against synthesis by test/stacks/contracts.test.ts) load through the job's own config
 * loader: every key the app writes is one the job reads (unknown keys and groups are errors), and
 * every value passes its checks.
 */
class ContractFixturesTest {
    /** Maven runs the tests in services/flink-job. */
    private static final Path FIXTURES = Path.of("..", "..", "test", "fixtures", "contracts");

    private static JobConfig load(String env) throws Exception {
        Path file = FIXTURES.resolve(env + "-flink-properties.json");
        assertThat(Files.isReadable(file)).as("%s (run npm run contracts:write)", file.toAbsolutePath()).isTrue();
        return ConfigLoader.load(new String[] {"--config", file.toString()}).config();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theSynthesizedPropertyGroupsLoad(String env) throws Exception {
        JobConfig c = load(env);
        assertThat(c.kafka.authMode).isEqualTo("iam");
        assertThat(c.kafka.bootstrapServers.split(",")).allMatch(b -> b.endsWith(":9098"));
        // The stack names the job's output topic (the InfluxDB nodes load it); no influx group is sent.
        assertThat(c.kafka.aggregatesTopic).isEqualTo("aggregates");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theDeployedStatsIntervalIsReadAndIsTheJobsDefault(String env) throws Exception {
        // The plan's job.stats.interval reaches the job; a local run without it writes its statistics as often.
        assertThat(load(env).job.statsInterval).isEqualTo(TestConfigs.config().job.statsInterval);
        assertThat(Files.readString(FIXTURES.resolve(env + "-flink-properties.json"))).contains("\"stats.interval\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theDeployedAlertRulesAreTheJobsDefaults(String env) throws Exception {
        // The app writes every rule's thresholds and durations (the CloudWatch alarms' figures); a
        // local run without them must alert the same way.
        assertThat(load(env).alerts.rules)
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(JobConfig.defaultRules().values());
    }
}
