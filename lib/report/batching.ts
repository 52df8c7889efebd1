/**
 * The reference workload (one metric per request) beside Telegraf's defaults, priced the same way:
 * what batching does to the ALB's LCUs, the bytes out to clients, the access logs and the ingest
 * fleet. Shown by the HTML report and docs/capacity-and-cost.md.
 */
import type { CapacityConfig } from '../config/schema';
import { planCapacity } from '../plan';
import { applyWhatIf, telegrafDefaults, type WhatIf } from '../plan/what-if';
import { costPlan } from '../pricing/cost-model';
import type { PriceSnapshot } from '../pricing/price-catalog';

export interface BatchingRow {
  readonly label: string;
  readonly metricsPerRequest: number;
  readonly compression: string;
  readonly requestsPerSecond: number;
  readonly lcus: number;
  readonly lcuUsd: number;
  readonly dataOutTB: number;
  readonly dataOutUsd: number;
  readonly accessLogUsd: number;
  readonly ingestInstances: number;
  readonly totalMonthlyUsd: number;
}

export function batchingComparison(config: CapacityConfig, prices: PriceSnapshot): BatchingRow[] {
  const cases: [string, WhatIf][] = [
    ['as configured', {}],
    ['Telegraf defaults (10 s flush, gzip)', telegrafDefaults(config)],
    ['full 1,000-metric batches, gzip', telegrafDefaults(config, true)],
  ];
  return cases.map(([label, whatIf]) => {
    const plan = planCapacity(applyWhatIf(config, whatIf));
    const cost = costPlan(plan, prices);
    const usd = (test: (resource: string) => boolean) => cost.lines.filter((l) => test(l.resource)).reduce((s, l) => s + l.monthlyUsd, 0);
    return {
      label,
      metricsPerRequest: applyWhatIf(config, whatIf).workload.metricsPerRequest,
      compression: plan.transfer.requestCompression,
      requestsPerSecond: plan.transfer.averageRequestsPerSecond,
      lcus: plan.loadBalancer.lcus,
      lcuUsd: usd((r) => r === 'load balancer capacity units'),
      dataOutTB: plan.transfer.clientOutBytesPerMonth / 1e12,
      dataOutUsd: usd((r) => /clients|responses out|client traffic/.test(r)),
      accessLogUsd: usd((r) => r.startsWith('ALB access logs')),
      ingestInstances: plan.ingest.desiredInstances,
      totalMonthlyUsd: cost.totalMonthlyUsd,
    };
  });
}
