package com.metricstream.flink.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar (built in `package`, before failsafe's integration tests) carries what the Kafka source
 * needs to read the ingest service's zstd batches: zstd-jni, kafka-clients' zstd dependency, with its
 * Linux natives for x86_64 (Managed Flink's and our hosts') and aarch64 (Graviton). Without them
 * kafka-clients fails on the first zstd batch at run time, not at build time.
 */
class ShadedJarIT {
    @Test
    void shadedJarCarriesZstdJniWithItsLinuxNatives() throws Exception {
        Path jar = LocalServices.repoRoot().resolve("services/flink-job/target/metricstream-flink-job-0.1.0.jar");
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        try (JarFile j = new JarFile(jar.toFile())) {
            List<String> names = j.stream().map(e -> e.getName()).collect(Collectors.toList());
            assertThat(names).contains("com/github/luben/zstd/Zstd.class", "com/github/luben/zstd/ZstdInputStreamNoFinalizer.class",
                    "org/apache/kafka/common/compress/ZstdCompression.class");
            for (String arch : List.of("amd64", "aarch64")) {
                assertThat(names).as("zstd-jni's linux/" + arch + " native")
                        .anyMatch(n -> n.matches("linux/" + arch + "/libzstd-jni-[0-9.]+-[0-9]+\\.so"));
                assertThat(j.getEntry(names.stream().filter(n -> n.startsWith("linux/" + arch + "/libzstd-jni")).findFirst().orElseThrow()).getSize())
                        .isGreaterThan(100_000);
            }
        }
        assertThat(Files.size(jar)).isGreaterThan(1_000_000);
    }
}
