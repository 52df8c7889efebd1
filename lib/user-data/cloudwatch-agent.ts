/** Namespace of the host metrics the CloudWatch agent publishes (memory and disk use). */
export const HOST_METRICS_NAMESPACE = 'MetricStream/Hosts';

/**
 * CloudWatch agent configuration publishing memory and disk use per host and aggregated per
 * environment and tier, which is what the monitoring stack's alarms read. With `node` (the InfluxDB
 * nodes) also CPU per node, aggregated per environment, tier and node: alarms address a node by its
 * number, so no instance id has to cross stacks and a replaced node keeps its alarms.
 */
export function cloudWatchAgentConfig(environment: string, tier: string, diskPaths: readonly string[], node?: number): string {
  const dimensions = { Environment: environment, Tier: tier };
  const perNode = node === undefined ? undefined : { measurement: ['usage_active'], totalcpu: true, append_dimensions: { ...dimensions, Node: String(node) } };
  return JSON.stringify({
    metrics: {
      namespace: HOST_METRICS_NAMESPACE,
      append_dimensions: { InstanceId: '${aws:InstanceId}' },
      aggregation_dimensions: perNode ? [['Environment', 'Tier'], ['Environment', 'Tier', 'Node']] : [['Environment', 'Tier']],
      metrics_collected: {
        mem: { measurement: ['mem_used_percent'], append_dimensions: dimensions },
        disk: { measurement: ['used_percent'], resources: diskPaths, append_dimensions: dimensions },
        ...(perNode ? { cpu: perNode } : {}),
      },
    },
  });
}
