package com.metricstream.flink.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the configuration comes from:
 * <ul>
 *   <li>{@code --config FILE}: a local JSON file in the Managed Flink format
 *       ({@code [{"PropertyGroupId":"kafka","PropertyMap":{...}}, ...]});</li>
 *   <li>otherwise the application's runtime properties from {@link KinesisAnalyticsRuntime} (on AWS);</li>
 *   <li>then {@code --group.key value} arguments override single properties (local runs).</li>
 * </ul>
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Whether the groups came from the Managed Flink runtime (which then owns checkpointing). */
    public record Loaded(JobConfig config, boolean managedFlink) {}

    public static Loaded load(String[] args) throws IOException {
        Map<String, Properties> groups = new HashMap<>();
        Map<String, String> overrides = new HashMap<>();
        String file = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new ConfigException("argument " + a + ": expected --config FILE or --group.key VALUE pairs");
            }
            String name = a.substring(2);
            String value = args[++i];
            if (name.equals("config")) {
                file = value;
            } else {
                overrides.put(name, value);
            }
        }
        boolean managed = false;
        if (file != null) {
            if (!Files.isReadable(Path.of(file))) throw new ConfigException("--config " + file + ": file not readable");
            groups.putAll(KinesisAnalyticsRuntime.getApplicationProperties(file));
        } else {
            Map<String, Properties> runtime = KinesisAnalyticsRuntime.getApplicationProperties();
            if (runtime != null && !runtime.isEmpty()) {
                groups.putAll(runtime);
                managed = true;
            }
        }
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            int dot = o.getKey().indexOf('.');
            if (dot <= 0) throw new ConfigException("argument --" + o.getKey() + ": expected --group.key (e.g. --kafka.bootstrap.servers)");
            groups.computeIfAbsent(o.getKey().substring(0, dot), g -> new Properties())
                    .setProperty(o.getKey().substring(dot + 1), o.getValue());
        }
        return new Loaded(JobConfig.fromPropertyGroups(groups), managed);
    }
}
