package com.metricstream.flink.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real local Kafka broker the integration tests run against (started by
 * scripts/flink/test-integration.sh through scripts/kafka), and small bounded helpers: produce
 * wire-format records, read topics, read the aggregates topic as InfluxDB would store it, wait with
 * a deadline. (The benchmark also queries the local InfluxDB.)
 */
public final class LocalServices {
    public static final String KAFKA = System.getenv().getOrDefault("KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    public static final String INFLUX = System.getenv().getOrDefault("INFLUX_URL", "http://127.0.0.1:8086");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalServices() {}

    /** A name unique to this run, usable as Kafka topic and InfluxDB database. */
    public static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && p != null; i++, p = p.getParent()) {
            if (Files.exists(p.resolve("scripts/influx/start.sh"))) return p;
        }
        throw new IllegalStateException("repository root (with scripts/influx) not found above " + Path.of("").toAbsolutePath());
    }

    /** Run a repository script with extra environment, bounded in time; fails on a non-zero exit. */
    public static void script(String path, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", path));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repoRoot().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(path + " did not finish within 120 s");
        }
        if (p.exitValue() != 0) throw new IllegalStateException(path + " exited with " + p.exitValue());
    }

    // ---- Kafka -------------------------------------------------------------------------------

    public static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA));
    }

    public static void createTopics(int partitions, String... topics) throws Exception {
        try (Admin a = admin()) {
            List<NewTopic> t = new ArrayList<>();
            for (String name : topics) t.add(new NewTopic(name, partitions, (short) 1));
            a.createTopics(t).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Best effort: the shared broker keeps no topics of finished tests. */
    public static void deleteTopics(String... topics) {
        try (Admin a = admin()) {
            a.deleteTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // left for the broker's retention
        }
    }

    public static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(p);
    }

    /** A point in the ingest service's wire format (docs/wire-format.md): key = series key, header ms-format. */
    public static ProducerRecord<byte[], byte[]> point(String topic, Integer partition, String measurement, Map<String, String> tags,
                                                        Map<String, Object> fields, long timestampMs) {
        StringJoiner t = new StringJoiner(",", "{", "}");
        TreeMap<String, String> sorted = new TreeMap<>(tags);
        StringBuilder key = new StringBuilder(measurement);
        sorted.forEach((k, v) -> {
            t.add(q(k) + ":" + q(v));
            key.append(',').append(k).append('=').append(v);
        });
        StringJoiner f = new StringJoiner(",", "{", "}");
        fields.forEach((k, v) -> f.add(q(k) + ":" + (v instanceof Long ? "{\"i\":\"" + v + "\"}" : v instanceof String ? q((String) v) : v.toString())));
        String json = "{\"v\":1,\"m\":" + q(measurement) + ",\"t\":" + t + ",\"f\":" + f
                + ",\"ts\":\"" + (timestampMs * 1_000_000L) + "\",\"rcv\":" + System.currentTimeMillis() + "}";
        return raw(topic, partition, key.toString(), json);
    }

    private static String q(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ProducerRecord<byte[], byte[]> raw(String topic, Integer partition, String key, String value) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
        r.headers().add("ms-format", "point-json-v1".getBytes(StandardCharsets.UTF_8));
        return r;
    }

    public static void send(Collection<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (ProducerRecord<byte[], byte[]> r : records) p.send(r);
            p.flush();
        }
    }

    /**
     * A point of series {@code _tick} in every partition at {@code timestampMs}: moves every
     * partition's watermark so that windows ending before it fire.
     */
    public static List<ProducerRecord<byte[], byte[]>> ticks(String topic, int partitions, long timestampMs) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            out.add(point(topic, p, "_tick", Map.of(), Map.of("n", 1), timestampMs));
        }
        return out;
    }

    /** Read records from the start of a topic until {@code expected} arrived or the timeout passed. */
    public static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, unique("it-reader"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a short extra poll so that a test also sees records beyond the expected count
            c.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }

    /** Whether the consumer group has committed offsets up to the end of every partition of the topic. */
    public static boolean groupCaughtUp(String group, String topic) throws Exception {
        try (Admin a = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            int partitions = a.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int i = 0; i < partitions; i++) req.put(new TopicPartition(topic, i), OffsetSpec.latest());
            var ends = a.listOffsets(req).all().get(10, TimeUnit.SECONDS);
            for (var e : ends.entrySet()) {
                if (e.getValue().offset() == 0) continue;  // empty partition: nothing to commit
                OffsetAndMetadata c = committed.get(e.getKey());
                if (c == null || c.offset() < e.getValue().offset()) return false;
            }
            return true;
        }
    }

    /** Every record on the topic now (from the start to the end offsets read at the call), bounded in time. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, timeout).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) throw new AssertionError("reading " + topic + " took longer than " + timeout);
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * The points of line-protocol records as InfluxDB stores them: lines of one series and timestamp
     * merge into one point (later fields overwrite earlier ones), as a replay would. Keys: the
     * measurement, then series key + " " + time; columns as InfluxDB returns them (tags, fields, "time").
     */
    public static Map<String, Map<String, Map<String, JsonNode>>> points(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Map<String, Map<String, JsonNode>>> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            for (String line : new String(r.value(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                List<String> parts = splitUnescaped(line, ' ');
                if (parts.size() != 3) throw new AssertionError("not a line-protocol line with a timestamp: " + line);
                List<String> key = splitUnescaped(parts.get(0), ',');
                Map<String, JsonNode> point = out.computeIfAbsent(unescape(key.get(0)), m -> new TreeMap<>())
                        .computeIfAbsent(parts.get(0) + " " + parts.get(2), k -> new HashMap<>());
                for (String tag : key.subList(1, key.size())) {
                    List<String> kv = splitUnescaped(tag, '=');
                    point.put(unescape(kv.get(0)), JSON.getNodeFactory().textNode(unescape(kv.get(1))));
                }
                for (String field : splitUnescaped(parts.get(1), ',')) {
                    List<String> kv = splitUnescaped(field, '=');
                    String v = kv.get(1);
                    JsonNode value = v.startsWith("\"") ? JSON.getNodeFactory().textNode(v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\"))
                            : v.endsWith("i") ? JSON.getNodeFactory().numberNode(Long.parseLong(v.substring(0, v.length() - 1)))
                            : JSON.getNodeFactory().numberNode(Double.parseDouble(v));
                    point.put(unescape(kv.get(0)), value);
                }
                point.put("time", JSON.getNodeFactory().numberNode(Long.parseLong(parts.get(2))));
            }
        }
        return out;
    }

    /** Splits at {@code sep} outside double quotes and not escaped by a backslash (escapes kept). */
    private static List<String> splitUnescaped(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == '"') quoted = !quoted;
            if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        out.add(cur.toString());
        return out;
    }

    private static String unescape(String s) {
        return s.replaceAll("\\\\([ ,=])", "$1");
    }

    // ---- InfluxDB ----------------------------------------------------------------------------

    /** Run an InfluxQL query; returns the "series" array of the first result (empty when none). */
    public static JsonNode query(String influxUrl, String db, String q) throws IOException, InterruptedException {
        String url = influxUrl + "/query?epoch=ms&db=" + URLEncoder.encode(db, StandardCharsets.UTF_8)
                + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("query " + q + ": HTTP " + r.statusCode() + " " + r.body());
        JsonNode res = JSON.readTree(r.body()).path("results").path(0);
        if (res.has("error")) {
            if (res.get("error").asText().contains("database not found")) return JSON.createArrayNode();
            throw new IOException("query " + q + ": " + res.get("error").asText());
        }
        return res.path("series");
    }

    /** Rows of a query as column → value maps (all series concatenated, tags merged in). */
    public static List<Map<String, JsonNode>> rows(String influxUrl, String db, String q) throws IOException, InterruptedException {
        List<Map<String, JsonNode>> out = new ArrayList<>();
        for (JsonNode s : query(influxUrl, db, q)) {
            List<String> cols = new ArrayList<>();
            s.path("columns").forEach(c -> cols.add(c.asText()));
            for (JsonNode v : s.path("values")) {
                Map<String, JsonNode> row = new HashMap<>();
                for (int i = 0; i < cols.size(); i++) row.put(cols.get(i), v.get(i));
                s.path("tags").fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue()));
                out.add(row);
            }
        }
        return out;
    }

    public static void dropDatabase(String influxUrl, String db) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create(influxUrl + "/query?q=" + URLEncoder.encode("DROP DATABASE \"" + db + "\"", StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            // best effort cleanup
        }
    }

    /** Poll until the condition holds; fails with {@code what} after the timeout. */
    public static void await(String what, Duration timeout, Check condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.ok()) return;
                last = null;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
    }

    /** A condition that may throw. */
    @FunctionalInterface
    public interface Check {
        boolean ok() throws Exception;
    }

}
