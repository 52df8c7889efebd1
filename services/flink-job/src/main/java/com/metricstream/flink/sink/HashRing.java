package com.metricstream.flink.sink;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Consistent hashing of series keys over N nodes with replication factor R: each node owns
 * {@link #VNODES} points on a 64-bit ring; a key's replica set is the first R distinct nodes
 * clockwise from the key's hash. Adding or removing a node moves only about 1/N of the keys.
 * Immutable; the same key always maps to the same nodes for the same node list.
 */
public final class HashRing implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int VNODES = 128;

    private final int nodes;
    private final int replicas;
    private final long[] points;
    private final int[] owners;

    public HashRing(java.util.List<String> nodeIds, int replicationFactor) {
        if (replicationFactor < 1 || replicationFactor > nodeIds.size()) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " for " + nodeIds.size() + " nodes");
        }
        this.nodes = nodeIds.size();
        this.replicas = replicationFactor;
        long[][] entries = new long[nodes * VNODES][];
        int e = 0;
        for (int n = 0; n < nodes; n++) {
            for (int v = 0; v < VNODES; v++) {
                entries[e++] = new long[] {hash(nodeIds.get(n) + "#" + v), n};
            }
        }
        Arrays.sort(entries, (a, b) -> Long.compare(a[0], b[0]));
        points = new long[entries.length];
        owners = new int[entries.length];
        for (int i = 0; i < entries.length; i++) {
            points[i] = entries[i][0];
            owners[i] = (int) entries[i][1];
        }
    }

    public int replicationFactor() {
        return replicas;
    }

    /** Node indexes holding {@code key}, primary first. */
    public int[] replicasFor(String key) {
        if (replicas == nodes) {
            // every node holds every series; still rotate so the primary follows the ring
            int first = owners[slot(hash(key))];
            int[] all = new int[nodes];
            for (int i = 0; i < nodes; i++) all[i] = (first + i) % nodes;
            return all;
        }
        int[] out = new int[replicas];
        int found = 0;
        int i = slot(hash(key));
        while (found < replicas) {
            int owner = owners[i];
            boolean dup = false;
            for (int j = 0; j < found; j++) if (out[j] == owner) dup = true;
            if (!dup) out[found++] = owner;
            i = (i + 1) % points.length;
        }
        return out;
    }

    private int slot(long h) {
        int i = Arrays.binarySearch(points, h);
        if (i < 0) i = -i - 1;
        return i == points.length ? 0 : i;
    }

    /** 64-bit FNV-1a over UTF-8 with a final avalanche (murmur3 fmix64). */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
