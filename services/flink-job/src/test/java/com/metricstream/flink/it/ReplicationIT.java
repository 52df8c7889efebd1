package com.metricstream.flink.it;

import com.metricstream.flink.sink.HashRing;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real InfluxDB nodes (the shared one on 8086 and our own on 8090) with replication factor 1:
 * every series lands on exactly the node its hash-ring position names, none on both, none missing.
 */
class ReplicationIT extends JobITBase {
    private static final Map<String, String> SECOND = Map.of("INFLUX_PORT", "8090");
    private static final String SECOND_URL = "http://127.0.0.1:8090";

    @BeforeAll
    static void startSecondNode() throws Exception {
        LocalServices.script("scripts/influx/start.sh", SECOND);
    }

    @AfterAll
    static void removeSecondNode() throws Exception {
        LocalServices.script("scripts/influx/stop.sh", SECOND, "--purge");
    }

    private Set<String> hostsOn(String url) throws Exception {
        Set<String> hosts = new HashSet<>();
        for (var row : LocalServices.rows(url, database, "SELECT * FROM swap GROUP BY host")) hosts.add(row.get("host").asText());
        return hosts;
    }

    @Test
    void eachSeriesIsWrittenToItsNodeOnly() throws Exception {
        int hostCount = 40;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int h = 0; h < hostCount; h++) {
            records.add(LocalServices.point(metricsTopic, null, "swap", Map.of("host", "h" + h), Map.of("used_percent", (double) h), T0 + 1_000));
        }
        LocalServices.send(records);
        LocalServices.send(LocalServices.ticks(metricsTopic, PARTITIONS, T0 + 2 * MIN));

        List<String> nodes = List.of(LocalServices.INFLUX, SECOND_URL);
        start(config("influx.endpoints", String.join(",", nodes), "influx.replication.factor", "1"));

        LocalServices.await("all " + hostCount + " series across the two nodes", Duration.ofSeconds(60),
                () -> hostsOn(nodes.get(0)).size() + hostsOn(nodes.get(1)).size() == hostCount);

        HashRing ring = new HashRing(nodes, 1);
        Set<String> first = hostsOn(nodes.get(0));
        Set<String> second = hostsOn(nodes.get(1));
        assertThat(first).isNotEmpty();
        assertThat(second).isNotEmpty().doesNotContainAnyElementsOf(first);
        for (int h = 0; h < hostCount; h++) {
            int node = ring.replicasFor("swap,host=h" + h)[0];
            assertThat(node == 0 ? first : second).as("host h%d on node %d", h, node).contains("h" + h);
        }
        LocalServices.dropDatabase(SECOND_URL, database);
    }
}
