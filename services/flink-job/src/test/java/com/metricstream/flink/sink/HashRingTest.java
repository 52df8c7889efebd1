package com.metricstream.flink.sink;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashRingTest {
    private static final List<String> NODES = List.of("http://a:8086", "http://b:8086", "http://c:8086", "http://d:8086", "http://e:8086");

    @Test
    void eachSeriesGetsRDistinctNodesAlwaysTheSame() {
        HashRing ring = new HashRing(NODES, 3);
        for (int i = 0; i < 1000; i++) {
            String key = "cpu,host=web-" + i;
            int[] r = ring.replicasFor(key);
            assertThat(r).hasSize(3).doesNotHaveDuplicates();
            assertThat(new HashRing(NODES, 3).replicasFor(key)).isEqualTo(r);
        }
    }

    @Test
    void loadIsSpreadEvenlyAcrossNodes() {
        HashRing ring = new HashRing(NODES, 1);
        int[] perNode = new int[NODES.size()];
        int keys = 50_000;
        for (int i = 0; i < keys; i++) perNode[ring.replicasFor("mem,host=h" + i)[0]]++;
        double ideal = keys / (double) NODES.size();
        for (int n : perNode) assertThat(n / ideal).as(Arrays.toString(perNode)).isBetween(0.75, 1.25);
    }

    @Test
    void addingANodeMovesAboutOneNthOfTheSeries() {
        HashRing four = new HashRing(NODES.subList(0, 4), 1);
        HashRing five = new HashRing(NODES, 1);
        int moved = 0;
        int keys = 20_000;
        for (int i = 0; i < keys; i++) {
            String k = "disk,host=h" + i + ",path=/";
            int before = four.replicasFor(k)[0];
            int after = five.replicasFor(k)[0];
            if (before != after) {
                moved++;
                assertThat(after).as("a moved series moves to the new node").isEqualTo(4);
            }
        }
        assertThat(moved / (double) keys).isBetween(0.12, 0.28);  // ideal 1/5
    }

    @Test
    void fullReplicationWritesEveryNode() {
        assertThat(new HashRing(NODES.subList(0, 3), 3).replicasFor("x")).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void replicationFactorMustFitTheNodes() {
        assertThatThrownBy(() -> new HashRing(NODES.subList(0, 2), 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
