/**
 * `npm run plan -- --compare`: the configured plan beside priced alternatives, each planned through
 * the same validation and priced from snapshot entries whose source and confidence it names.
 * Graviton (c7g ingest, kafka.m7g brokers), MSK Express brokers, i4i for InfluxDB, and the two
 * ways of committing to EC2 (1-year reserved, Compute Savings Plans). Pure: config and prices in.
 */
import type { CapacityConfig, PricingModel } from '../config/schema';
import { CapacityConfigError, planCapacity } from '../plan';
import { MSK_BROKER_TYPES } from '../catalog/instance-types';
import { planMskExpress, type MskExpressPlan } from '../plan/msk-express';
import { BYTES_PER_GIB, HOURS_PER_MONTH } from '../plan/units';
import { byTier, costPlan, costReport, priceItems, type CostLine } from './cost-model';
import { priceOf, type PriceSnapshot } from './price-catalog';
import { priceKeys } from './price-keys';

export interface Alternative {
  readonly name: string;
  readonly changes: string;
  /** Null when the alternative fails validation; `failure` says why. */
  readonly totalMonthlyUsd: number | null;
  readonly deltaUsd: number | null;
  readonly failure?: string;
  /** The snapshot entries the alternative adds to the baseline, with their source and confidence. */
  readonly prices: readonly { readonly key: string; readonly usd: number; readonly unit: string; readonly source: string; readonly note: string }[];
  readonly notes: readonly string[];
  readonly lines?: readonly CostLine[];
}

/** The same size in another family: c6i.2xlarge -> c7g.2xlarge, kafka.m5.xlarge -> kafka.m7g.xlarge. */
function sibling(type: string, from: string, to: string): string {
  return type.replace(from, to);
}

interface Variant {
  readonly name: string;
  readonly changes: (config: CapacityConfig) => string;
  readonly config?: (config: CapacityConfig) => CapacityConfig;
  readonly pricing?: PricingModel;
  readonly express?: boolean;
  readonly managedGrafana?: boolean;
}

const VARIANTS: readonly Variant[] = [
  {
    name: 'Graviton',
    changes: (c) => `ingest ${c.ingest.instanceType} -> ${sibling(c.ingest.instanceType, 'c6i', 'c7g')}, brokers ${c.kafka.brokerInstanceType} -> ${sibling(c.kafka.brokerInstanceType, 'm5', 'm7g')}; same vCPUs, so the same planned capacities`,
    config: (c) => ({
      ...c,
      ingest: { ...c.ingest, instanceType: sibling(c.ingest.instanceType, 'c6i', 'c7g') },
      kafka: { ...c.kafka, brokerInstanceType: sibling(c.kafka.brokerInstanceType, 'm5', 'm7g') },
    }),
  },
  {
    name: 'MSK Express brokers',
    changes: () => 'express.m7g brokers sized by throughput (RF 3 over 3 AZs), pay-per-GB storage and data in, instead of provisioned brokers and EBS',
    express: true,
  },
  {
    name: 'i4i for InfluxDB',
    changes: (c) => `InfluxDB ${c.influx.instanceType} -> ${sibling(c.influx.instanceType, 'i3', 'i4i')} (NVMe, same vCPUs)`,
    config: (c) => ({ ...c, influx: { ...c.influx, instanceType: sibling(c.influx.instanceType, 'i3', 'i4i') } }),
  },
  {
    name: 'Amazon Managed Grafana',
    changes: (c) =>
      `a workspace billed per active user (${c.grafana.managedAlternative.editors} editors, ${c.grafana.managedAlternative.viewers} viewers: grafana.managedAlternative) instead of the Grafana server, its database, ALB, secrets and key`,
    managedGrafana: true,
  },
  { name: '1-year reserved EC2', changes: () => 'EC2 hours at 1-year standard no-upfront reserved rates (MSK, Flink and the rest on demand)', pricing: 'reserved-1yr-no-upfront' },
  { name: 'Compute Savings Plan', changes: () => 'EC2 hours at 1-year no-upfront Compute Savings Plan rates (commitment sized to the plan)', pricing: 'compute-savings-plan-1yr-no-upfront' },
];

export function compareAlternatives(config: CapacityConfig, prices: PriceSnapshot): { baseline: Alternative; alternatives: Alternative[] } {
  const basePlan = planCapacity(config);
  const base = costPlan(basePlan, prices);
  const baseKeys = new Set(base.lines.map((l) => l.priceKey));
  const describe = (lines: readonly CostLine[]) =>
    [...new Set(lines.map((l) => l.priceKey))]
      .filter((k) => !baseKeys.has(k))
      .map((key) => {
        const e = priceOf(prices, key);
        return { key, usd: e.usd, unit: e.unit, source: `${e.source} (${e.asOf})`, note: e.note ?? '' };
      });
  const baseline: Alternative = { name: 'as configured', changes: `${config.pricing}`, totalMonthlyUsd: base.totalMonthlyUsd, deltaUsd: 0, prices: [], notes: [], lines: base.lines };

  const alternatives = VARIANTS.map((variant): Alternative => {
    try {
      const altConfig = variant.config ? variant.config(config) : config;
      const plan = planCapacity(altConfig);
      let lines = costPlan(plan, prices, variant.pricing ?? config.pricing).lines;
      const notes: string[] = [];
      if (variant.express) {
        const express = planMskExpress(altConfig, plan.workload);
        lines = withExpressKafka(lines, express, prices);
        notes.push(`${express.brokers} x ${express.brokerInstanceType}: peak ${express.peakIngressMBps.toFixed(1)} MB/s in, ${express.peakEgressMBps.toFixed(1)} MB/s out`, ...express.notes);
      }
      if (variant.managedGrafana) {
        lines = withManagedGrafana(lines, plan.grafana.managedAlternative, prices);
        notes.push('the workspace reaches the InfluxDB read NLB through its VPC configuration; users sign in through IAM Identity Center or SAML instead of Grafana logins');
      }
      if (variant.name === 'Graviton' && !MSK_BROKER_TYPES[altConfig.kafka.brokerInstanceType]) notes.push('no Graviton broker of this size');
      const total = costReport(plan, lines, prices, variant.pricing ?? config.pricing).totalMonthlyUsd;
      return { name: variant.name, changes: variant.changes(config), totalMonthlyUsd: total, deltaUsd: total - base.totalMonthlyUsd, prices: describe(lines), notes, lines };
    } catch (err) {
      if (!(err instanceof CapacityConfigError)) throw err;
      return { name: variant.name, changes: variant.changes(config), totalMonthlyUsd: null, deltaUsd: null, failure: err.message, prices: [], notes: [] };
    }
  });
  return { baseline, alternatives };
}

/** The plan's lines with the provisioned brokers and their EBS replaced by Express brokers, storage and data in. */
function withExpressKafka(lines: readonly CostLine[], express: MskExpressPlan, prices: PriceSnapshot): CostLine[] {
  const kept = lines.filter((l) => !(l.tier === 'kafka' && (l.resource === 'MSK brokers' || l.resource === 'MSK broker storage')));
  const gib = (bytes: number) => bytes / BYTES_PER_GIB;
  const added = priceItems(
    [
      { tier: 'kafka', resource: 'MSK Express brokers', type: express.brokerInstanceType, count: express.brokers, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.mskBroker(express.brokerInstanceType), assumption: 'sized by recommended ingress/egress per broker, in sets of 3' },
      { tier: 'kafka', resource: 'MSK Express storage', type: 'GB-Mo', count: 1, quantityPerUnit: gib(express.storedBytes), priceKey: priceKeys.mskExpressStorage, assumption: 'the retention of the average produce, one logical copy' },
      { tier: 'kafka', resource: 'MSK Express data in', type: 'GB', count: 1, quantityPerUnit: gib(express.dataInBytesPerMonth), priceKey: priceKeys.mskExpressDataIn, assumption: 'every produced byte, once' },
    ],
    prices,
  );
  return byTier([...kept, ...added]);
}

/** The plan's lines with the Grafana tier replaced by Amazon Managed Grafana's per-user licences. */
function withManagedGrafana(lines: readonly CostLine[], users: { readonly editors: number; readonly viewers: number }, prices: PriceSnapshot): CostLine[] {
  const kept = lines.filter((l) => l.tier !== 'grafana');
  const added = priceItems(
    [
      { tier: 'grafana', resource: 'Amazon Managed Grafana editors', type: 'editor licence', count: users.editors, quantityPerUnit: 1, priceKey: priceKeys.managedGrafanaEditor, assumption: 'active editors or admins a month (every workspace bills at least one)' },
      { tier: 'grafana', resource: 'Amazon Managed Grafana viewers', type: 'viewer licence', count: users.viewers, quantityPerUnit: 1, priceKey: priceKeys.managedGrafanaViewer, assumption: 'active viewers a month' },
    ],
    prices,
  );
  return byTier([...kept, ...added]);
}
