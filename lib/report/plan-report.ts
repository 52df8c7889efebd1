/**
 * What `npm run plan` prints: the derived sizes and the priced lines, as a text table or as JSON.
 */
import type { CapacityPlan } from '../plan';
import { MEASURED_SOURCE } from '../plan/measurements';
import type { CostReport } from '../pricing/cost-model';
import { formatCount, formatInteger, formatQuantity, formatUnitPrice, formatUsd, textTable } from './format';

export interface PlanReportJson {
  readonly environment: string;
  readonly region: string;
  readonly pricing: string;
  readonly lines: readonly {
    tier: string;
    resource: string;
    type: string;
    count: number;
    unitPriceUsd: number;
    unit: string;
    monthlyQuantity: number;
    monthlyUsd: number;
    assumption?: string;
    priceSource?: string;
  }[];
  readonly monthlyUsdByTier: Record<string, number>;
  readonly totalMonthlyUsd: number;
  readonly costPerMillionMetricsUsd: number;
  /** Total with the other EC2 pricing model, for comparison. */
  readonly alternative: { readonly pricing: string; readonly totalMonthlyUsd: number };
  readonly prices: CostReport['prices'];
  readonly plan: CapacityPlan;
}

export function planReportJson(plan: CapacityPlan, cost: CostReport, alternative: CostReport): PlanReportJson {
  return {
    environment: cost.environment,
    region: cost.region,
    pricing: cost.pricing,
    lines: cost.lines.map(({ tier, resource, type, count, unitPriceUsd, unit, monthlyQuantity, monthlyUsd, assumption, priceSource }) => ({
      tier,
      resource,
      type,
      count,
      unitPriceUsd,
      unit,
      monthlyQuantity,
      monthlyUsd,
      ...(assumption ? { assumption } : {}),
      priceSource,
    })),
    monthlyUsdByTier: { ...cost.monthlyUsdByTier },
    totalMonthlyUsd: cost.totalMonthlyUsd,
    costPerMillionMetricsUsd: cost.costPerMillionMetricsUsd,
    alternative: { pricing: alternative.pricing, totalMonthlyUsd: alternative.totalMonthlyUsd },
    prices: cost.prices,
    plan,
  };
}

export function planReportText(plan: CapacityPlan, cost: CostReport, alternative: CostReport): string {
  const w = plan.workload;
  const sizes = [
    `MetricStream ${plan.environment} — ${plan.region}, ${plan.availabilityZones} AZs, ${cost.pricing} pricing`,
    `workload: ${formatInteger(w.averageMetricsPerSecond)} metrics/s average, ${formatInteger(w.peakMetricsPerSecond)} peak, ` +
      `${formatInteger(w.peakRequestsPerSecond)} requests/s, ${formatInteger(w.activeSeries)} series`,
    `ingest:  ${plan.ingest.neededInstances} x ${plan.ingest.instanceType} needed + ${plan.ingest.spareInstances} spare = ` +
      `min/desired ${plan.ingest.desiredInstances}, max ${plan.ingest.maxInstances} (${pct(plan.ingest.utilizationAtPeak)} of capacity at peak)`,
    `alb:     ${formatInteger(plan.loadBalancer.requestsPerSecond)} req/s, ${(plan.loadBalancer.processedBytesPerSecond / 1e6).toFixed(1)} MB/s, ` +
      `${formatInteger(plan.loadBalancer.activeConnections)} connections, ${plan.loadBalancer.lcus.toFixed(2)} LCU`,
    `kafka:   ${plan.kafka.brokers} x ${plan.kafka.brokerInstanceType}, ${plan.kafka.partitions} partitions, RF ${plan.kafka.replicationFactor} ` +
      `(min ISR ${plan.kafka.minInSyncReplicas}), ${plan.kafka.partitionReplicasPerBroker}/${plan.kafka.maxPartitionsPerBroker} partition replicas per broker, ` +
      `${plan.kafka.storagePerBrokerGiB} GiB per broker`,
    `flink:   parallelism ${plan.flink.parallelism}, ${plan.flink.parallelismPerKpu} per KPU, ${plan.flink.kpus} KPUs + 1 orchestration` +
      `${plan.flink.autoScalingEnabled ? ', autoscaling' : ''}`,
    `influx:  ${plan.influx.shards} shard x RF ${plan.influx.replicationFactor} = ${plan.influx.nodeCount} x ${plan.influx.instanceType}, ` +
      `disk ${plan.influx.diskUsePercent.toFixed(1)} % of ${formatInteger(plan.influx.instanceStoreGB)} GB (warning at ${plan.influx.diskWarningPercent} %)`,
    redundancyLine(plan),
    ...(['ingest', 'kafka', 'flink', 'influx'] as const).map((tier) => `  ${(tier + ':').padEnd(7)} ${azLossWord(plan[tier].azLoss)}: ${plan[tier].azLoss.detail}`),
    ...plan.warnings.map((w) => `warning: ${w.tier}: ${w.message} [${w.field}]`),
  ];
  const table = textTable(
    ['tier', 'resource', 'type', 'count', 'quantity/month', 'unit', 'unit price', 'monthly', 'usage assumption'],
    [
      ...cost.lines.map((l) => [l.tier, l.resource, l.type, formatCount(l.count), formatQuantity(l.monthlyQuantity), l.unit, formatUnitPrice(l.unitPriceUsd), formatUsd(l.monthlyUsd), l.assumption ?? '']),
      ...Object.entries(cost.monthlyUsdByTier)
        .filter(([tier]) => cost.lines.some((l) => l.tier === tier))
        .map(([tier, usd]) => [tier, 'subtotal', '', '', '', '', '', formatUsd(usd), '']),
      ['total', '', '', '', '', '', '', formatUsd(cost.totalMonthlyUsd), ''],
    ],
    [false, false, false, true, true, false, true, true, false],
  );
  const footer = [
    `cost per million metrics: ${formatUnitPrice(cost.costPerMillionMetricsUsd)} (${formatInteger(cost.millionMetricsPerMonth)} million metrics/month at the average rate)`,
    `with ${alternative.pricing} EC2 pricing: ${formatUsd(alternative.totalMonthlyUsd)}/month`,
    `prices: snapshot of ${cost.prices.generatedAt}${cost.prices.refreshedFromApi ? '' : ', seeded from published prices, not yet refreshed from the Price List API'}`,
  ];
  // --capacity measured: say which figure each tier was divided by, and how it was translated.
  const measured = plan.capacities.filter((c) => c.source.startsWith(MEASURED_SOURCE));
  const capacities = measured.length === 0 ? [] : ['', 'capacities (measured):', ...measured.map((c) => `  ${c.path} = ${c.value < 100 ? c.value : formatInteger(c.value)} ${c.unit}: ${c.source}`)];
  return [...sizes, ...capacities, '', table, '', ...footer].join('\n');
}

function redundancyLine(plan: CapacityPlan): string {
  const r = plan.redundancy;
  const budget = `${(r.availabilityTarget * 100).toFixed(2)} % = ${r.downtimeBudgetMinutesPerMonth.toFixed(1)} min/month of downtime`;
  return r.staticStabilityRequired
    ? `az loss: ${budget}, under the ${r.azRecoveryMinutes} min to replace an AZ: the instances left carry the peak at <= ${pct(r.azLossUtilization)}`
    : `az loss: ${budget}, over the ${r.azRecoveryMinutes} min to replace an AZ: replacements may be waited for`;
}

function azLossWord(azLoss: CapacityPlan['ingest']['azLoss']): string {
  if (azLoss.staticallyStable) return 'carried';
  return azLoss.survives ? 'recovers' : 'lost';
}

function pct(share: number): string {
  return `${(share * 100).toFixed(0)} %`;
}
