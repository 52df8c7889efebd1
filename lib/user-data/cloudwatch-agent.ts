/** Namespace of the host metrics the CloudWatch agent publishes (memory and disk use). */
export const HOST_METRICS_NAMESPACE = 'MetricStream/Hosts';

/**
 * CloudWatch agent configuration publishing memory and disk use per host and aggregated per
 * environment and tier, which is what the monitoring stack's alarms read.
 */
export function cloudWatchAgentConfig(environment: string, tier: string, diskPaths: readonly string[]): string {
  const dimensions = { Environment: environment, Tier: tier };
  return JSON.stringify({
    metrics: {
      namespace: HOST_METRICS_NAMESPACE,
      append_dimensions: { InstanceId: '${aws:InstanceId}' },
      aggregation_dimensions: [['Environment', 'Tier']],
      metrics_collected: {
        mem: { measurement: ['mem_used_percent'], append_dimensions: dimensions },
        disk: { measurement: ['used_percent'], resources: diskPaths, append_dimensions: dimensions },
      },
    },
  });
}
