/**
 * The figures the docs quote, computed from the plan and the cost model.
 *
 * A figure in Markdown is written `<!-- fig:NAME -->…<!-- /fig -->`: `npm run docs:figures` rewrites
 * what sits between the markers from FIGURES[NAME], and test/docs/figures.test.ts fails while any
 * quoted figure differs from what the code gives, so the README and docs/ cannot drift from the plan
 * a reviewer's `npm run plan` prints. Figures that span lines (tables, CLI output) start and end with
 * a newline between the markers.
 */
import { capacityConfigFor } from '../capacity-config';
import type { CapacityConfig, EnvironmentName } from '../config/schema';
import { planCapacity, type CapacityPlan } from '../plan';
import type { AzLossPlan } from '../plan/redundancy';
import { applyWhatIf, telegrafDefaults, type WhatIf } from '../plan/what-if';
import { compareAlternatives } from '../pricing/alternatives';
import { costPlan, type CostLine, type CostReport } from '../pricing/cost-model';
import { loadPriceSnapshot } from '../pricing/price-catalog';
import { batchingComparison } from './batching';
import { comparisonText } from './comparison';
import { formatInteger, formatUsd } from './format';

/** Plans and prices computed once per (environment, what-if) while figures are rendered. */
export class FigureContext {
  private readonly cache = new Map<string, { config: CapacityConfig; plan: CapacityPlan; cost: CostReport }>();

  priced(env: EnvironmentName, whatIf: WhatIf = {}, label = JSON.stringify(whatIf)): { config: CapacityConfig; plan: CapacityPlan; cost: CostReport } {
    const key = `${env} ${label}`;
    let entry = this.cache.get(key);
    if (!entry) {
      const config = applyWhatIf(capacityConfigFor(env), whatIf);
      const plan = planCapacity(config);
      entry = { config, plan, cost: costPlan(plan, loadPriceSnapshot(plan.region)) };
      this.cache.set(key, entry);
    }
    return entry;
  }

  prod(whatIf: WhatIf = {}) {
    return this.priced('prod', whatIf);
  }
}

/** Cost lines of the traffic to and from the clients, whichever `workload.clientNetwork` prices it. */
const CLIENT_TRAFFIC = /client|responses out/;

const sum = (lines: readonly CostLine[]) => lines.reduce((s, l) => s + l.monthlyUsd, 0);
const usd = (lines: readonly CostLine[]) => formatUsd(sum(lines));
const pct = (ratio: number) => `${Math.round(ratio * 100)} %`;
const int = formatInteger;

/** The prod cost lines matching a resource name (exactly, or by pattern). */
function lines(cost: CostReport, resource: string | RegExp, tier?: string): CostLine[] {
  return cost.lines.filter((l) => (typeof resource === 'string' ? l.resource === resource : resource.test(l.resource)) && (!tier || l.tier === tier));
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function fleet(plan: CapacityPlan): string {
  const i = plan.ingest;
  return `${i.neededInstances} needed + ${i.minInstances - i.neededInstances} spare = ${i.minInstances} x ${i.instanceType}, max ${i.maxInstances}`;
}

function influxNodes(plan: CapacityPlan): string {
  const x = plan.influx;
  return `${x.shards} shard x RF ${x.replicationFactor} = ${x.shards * x.replicationFactor} x ${x.instanceType}`;
}

function azLossCell(azLoss: AzLossPlan): string {
  const verdict = azLoss.staticallyStable ? 'Carried' : azLoss.survives ? 'Recovers (a warning)' : 'Lost (fails where required)';
  return `${azLoss.detail}. ${verdict}`;
}

/** The reference document's cost table by layer: its figure, the cost lines that are ours for it, why. */
const REFERENCE_LAYERS: readonly [string, string, (l: CostLine) => boolean, string][] = [
  ['ingest instances', '10 x $73 = $730', (l) => l.tier === 'ingest' && /EC2 instances|CloudWatch|KMS|Secrets/.test(l.resource), 'real c6i.2xlarge price ($0.34/h x 730 h, not $73); the AZ-loss spares are billed too; detailed monitoring and agent metrics'],
  ['ingest volumes', '—', (l) => l.tier === 'ingest' && l.resource === 'EBS volumes', 'gp3 root and disk spool on every instance'],
  ['load balancer', '$25', (l) => l.tier === 'ingest' && /load balancer|public IPv4/.test(l.resource), 'LCUs for the bytes processed, not a flat fee; public IPv4 per ALB node'],
  ['data out to clients', '—', (l) => CLIENT_TRAFFIC.test(l.resource), 'responses with their TLS and TCP/IP framing, at the internet tiers'],
  ['ALB access logs', '—', (l) => l.resource.startsWith('ALB access logs'), 'one line per request, kept 90 days + 7 as noncurrent versions (versioned bucket)'],
  ['Kafka', '3 x $420 + ZooKeeper $90 = $1,350', (l) => l.tier === 'kafka', 'MSK broker-hours ($0.42/h, not $420/month); no ZooKeeper (KRaft); ingest → MSK across AZs, both ways'],
  ['Flink', '14 x c6i.xlarge = $2,044', (l) => l.tier === 'flink', 'Managed Flink, one KPU per slot plus orchestration; MSK → Flink across AZs'],
  ['InfluxDB', '3 x $624 + S3 $3 = $1,875', (l) => l.tier === 'influx', 'real i3.2xlarge price ($0.624/h, not $624/month); backups sized from the data'],
  ['Grafana', '$46', (l) => l.tier === 'grafana', "the Grafana stack: a Multi-AZ database in prod (the 99.99 % target), an operators-only ALB; `--compare` prices Amazon Managed Grafana"],
  ['network', '—', (l) => l.tier === 'network', 'NAT gateways, interface endpoints, their addresses, flow logs, the logs key'],
  ['monitoring', '—', (l) => l.tier === 'monitoring', 'alarms, the dashboard, the alarm topic key'],
];

/** Every figure the docs may quote, by name. */
export const FIGURES: Readonly<Record<string, (c: FigureContext) => string>> = {
  'prod.monthly': (c) => formatUsd(c.prod().cost.totalMonthlyUsd),
  'prod.measured.monthly': (c) => formatUsd(c.prod({ capacity: 'measured' }).cost.totalMonthlyUsd),
  'prod.telegraf.monthly': (c) => formatUsd(c.prod(telegrafDefaults(c.prod().config)).cost.totalMonthlyUsd),
  'prod.ingest.fleet': (c) => {
    const i = c.prod().plan.ingest;
    return `${i.neededInstances} + ${i.minInstances - i.neededInstances} spares (${i.instanceType}, ASG ${i.minInstances}..${i.maxInstances})`;
  },
  'prod.kafka.brokers': (c) => {
    const k = c.prod().plan.kafka;
    return `${k.brokers} ${k.brokerInstanceType}`;
  },
  'prod.kafka.bytesPerPoint': (c) => `${c.prod().config.kafka.storedBytesPerRecord.value} B`,
  'env.others': (c) =>
    (['dev', 'staging'] as const).map((env) => `${env} ${formatUsd(c.priced(env).cost.totalMonthlyUsd)}/month`).join(', '),

  /** `npm run plan -- --env prod` against `--capacity measured`, by tier. */
  'prod.planned-vs-measured': (c) => {
    const planned = c.prod();
    const measured = c.prod({ capacity: 'measured' });
    const reserved = (whatIf: WhatIf) => formatUsd(c.prod({ ...whatIf, pricing: 'reserved-1yr-no-upfront' }).cost.totalMonthlyUsd);
    const perMillion = (x: typeof planned) => `$${x.cost.costPerMillionMetricsUsd.toFixed(4)}`;
    const row = (label: string, f: (x: typeof planned) => string) => [label, f(planned), f(measured)];
    return markdownTable(
      ['prod, us-east-1, on-demand', 'planned (`npm run plan -- --env prod`)', 'measured (`--capacity measured`)'],
      [
        row('ingest', (x) => fleet(x.plan)),
        row('Kafka', (x) => `${x.plan.kafka.brokers} x ${x.plan.kafka.brokerInstanceType}, ${x.plan.kafka.partitions} partitions, ${x.plan.kafka.storagePerBrokerGiB} GiB each`),
        row('Flink', (x) => `parallelism ${x.plan.flink.parallelism}, ${x.plan.flink.billedKpus} KPUs billed`),
        row('InfluxDB', (x) => `${influxNodes(x.plan)}, disk ${Math.round(x.plan.influx.diskUsePercent)} %`),
        row('**monthly**', (x) => `**${formatUsd(x.cost.totalMonthlyUsd)}**`),
        ['with 1-year reserved EC2', reserved({}), reserved({ capacity: 'measured' })],
        row('per million metrics', perMillion),
      ],
      ['l', 'r', 'r'],
    );
  },

  /** The charges beyond instances, brokers and KPUs, each with the assumption the plan prints. */
  'prod.charges': (c) => {
    const { cost } = c.prod();
    const groups: [string, (l: CostLine) => boolean][] = [
      ['client traffic', (l) => CLIENT_TRAFFIC.test(l.resource)],
      ['ALB access logs', (l) => l.resource.startsWith('ALB access logs')],
      ['inter-AZ, both ways', (l) => l.resource.startsWith('inter-AZ')],
      ['VPC interface endpoints', (l) => l.resource.startsWith('VPC endpoint') || l.resource === 'VPC interface endpoints'],
      ['CloudWatch metrics', (l) => l.resource === 'CloudWatch metrics'],
      ['CloudWatch logs', (l) => l.resource.startsWith('log ')],
      ['CloudWatch alarms, dashboards', (l) => l.resource === 'CloudWatch alarms' || l.resource === 'CloudWatch dashboards'],
      ['public IPv4', (l) => l.resource === 'public IPv4 addresses'],
      ['KMS keys, secrets', (l) => l.resource === 'KMS keys' || l.resource === 'Secrets Manager secrets'],
      ['NAT data processing', (l) => l.resource === 'NAT gateway data processed'],
    ];
    const rows = groups.map(([label, test]) => {
      const own = cost.lines.filter(test);
      // One entry per distinct assumption, naming the tiers that share it.
      const tiers = new Map<string, string[]>();
      for (const l of own) tiers.set(l.assumption ?? '', [...new Set([...(tiers.get(l.assumption ?? '') ?? []), l.tier])]);
      return [label, [...tiers].map(([assumption, names]) => `${names.join(', ')}: ${assumption}`).join('; '), usd(own)];
    });
    return markdownTable(['charge', 'usage assumption (from the plan)', 'prod'], rows, ['l', 'l', 'r']);
  },

  /** `workload.clientNetwork` priced three ways. */
  'prod.client-networks': (c) => {
    const billed = {
      internet: 'bytes out at the tiered internet rates; in is free',
      'same-region': 'clients in other VPCs of the region over public IPs: $0.01/GB in and $0.01/GB out',
      private: 'an internal ALB (no public addresses): the requests and responses that reach an ALB node in another AZ, $0.01/GB each way',
    } as const;
    const rows = (Object.keys(billed) as (keyof typeof billed)[]).map((clientNetwork) => {
      const { cost } = c.prod({ clientNetwork });
      return [`\`${clientNetwork}\``, billed[clientNetwork], usd(lines(cost, CLIENT_TRAFFIC)), formatUsd(cost.totalMonthlyUsd)];
    });
    return markdownTable(['`clientNetwork`', 'what is billed', 'client traffic', 'prod monthly'], rows, ['l', 'l', 'r', 'r']);
  },

  /** The reference workload beside Telegraf's defaults (lib/report/batching.ts, also in the HTML report). */
  'prod.batching': (c) => {
    const cases = batchingComparison(c.prod().config, loadPriceSnapshot(c.prod().plan.region));
    const col = (f: (r: (typeof cases)[number]) => string) => cases.map(f);
    return markdownTable(
      ['prod, us-east-1, on-demand', ...col((r) => `${r.label}: ${int(r.metricsPerRequest)}/request`)],
      [
        ['requests/s', ...col((r) => int(r.requestsPerSecond))],
        ['ALB LCUs', ...col((r) => `${r.lcus.toFixed(1)} (${formatUsd(r.lcuUsd)})`)],
        ['data out to clients', ...col((r) => `${r.dataOutTB.toFixed(2)} TB (${formatUsd(r.dataOutUsd)})`)],
        ['ALB access logs', ...col((r) => formatUsd(r.accessLogUsd))],
        ['ingest instances', ...col((r) => String(r.ingestInstances))],
        ['**monthly**', ...col((r) => `**${formatUsd(r.totalMonthlyUsd)}**`)],
      ],
      ['l', ...cases.map(() => 'r' as const)],
    );
  },

  /** What `npm run plan -- --env prod --compare` prints, without the price list below it. */
  'prod.compare': (c) => {
    const { config, plan } = c.prod();
    const { baseline, alternatives } = compareAlternatives(config, loadPriceSnapshot(plan.region));
    const text = comparisonText(config.environment, config.region, baseline, alternatives);
    const table = text.split('\n\n')[1];
    return ['```', table, '```'].join('\n');
  },

  'prod.azLoss.ingest': (c) => azLossCell(c.prod().plan.ingest.azLoss),
  'prod.azLoss.kafka': (c) => azLossCell(c.prod().plan.kafka.azLoss),
  'prod.azLoss.flink': (c) => azLossCell(c.prod().plan.flink.azLoss),
  'prod.azLoss.influx': (c) => azLossCell(c.prod().plan.influx.azLoss),
  'prod.ingest.azLoss': (c) => {
    const i = c.prod().plan.ingest;
    return `${i.neededInstances} + ${i.minInstances - i.neededInstances} = ${i.minInstances}, so that ${i.azLossSurvivorsNeeded} are left and carry it at ${pct(i.azLoss.utilizationAfterLoss ?? 0)}`;
  },
  'quota.scale': (c) => {
    const at = (metricsPerSecond: number) => {
      const { plan } = c.priced('prod', { metricsPerSecond });
      return `${int(plan.flink.kpus)} KPUs and ${int(plan.kafka.brokers)} brokers`;
    };
    return `at 2,000,000 metrics/s (\`npm run plan -- --env prod --metrics-per-second 2000000\`) the plan needs ${at(2_000_000)}; at 50,000,000 it needs ${at(50_000_000)}`;
  },
  'prod.influx.rowsPerSecond': (c) => `${int(c.prod().plan.influx.aggregateRowsPerSecond)} rows/s`,
  'prod.reference-vs-ours': (c) => {
    const { cost } = c.prod();
    const reserved = c.prod({ pricing: 'reserved-1yr-no-upfront' }).cost;
    const taken = new Set<CostLine>();
    const cell = (test: (l: CostLine) => boolean) => {
      const own = cost.lines.filter((l) => !taken.has(l) && test(l));
      own.forEach((l) => taken.add(l));
      if (own.length === 0) return '—';
      // Lines of one resource summed (the internet tiers, metric kinds), the largest three named.
      const byResource = new Map<string, CostLine[]>();
      for (const l of own) byResource.set(l.resource, [...(byResource.get(l.resource) ?? []), l]);
      const groups = [...byResource].map(([resource, ls]) => ({ resource, ls, usd: sum(ls) })).sort((a, b) => b.usd - a.usd);
      const name = ({ resource, ls }: (typeof groups)[number]) =>
        ls.length === 1 && /instances|brokers/.test(resource) ? `${resource} (${ls[0].count} x ${ls[0].type})` : resource;
      const parts = groups.slice(0, 3).map((g) => `${formatUsd(g.usd)} ${name(g)}`);
      if (groups.length === 4) parts.push(`${formatUsd(groups[3].usd)} ${name(groups[3])}`);
      else if (groups.length > 4) parts.push(`${formatUsd(groups.slice(3).reduce((s, g) => s + g.usd, 0))} in ${groups.length - 3} more`);
      return `**${usd(own)}**: ${parts.join(' + ')}`;
    };
    const rows = REFERENCE_LAYERS.map(([layer, reference, test, why]) => [layer, reference, cell(test), why]);
    const rest = cost.lines.filter((l) => !taken.has(l));
    if (rest.length > 0) throw new Error(`prod.reference-vs-ours: no layer for ${rest.map((l) => `${l.tier}/${l.resource}`).join(', ')}`);
    rows.push(['**total**', '**$6,070**', `**${formatUsd(cost.totalMonthlyUsd)}**`, '']);
    rows.push(['with 1-year reserved EC2', '"~$3,950" (flat 35 %)', formatUsd(reserved.totalMonthlyUsd), 'reserved rates from the price list apply to EC2 only, not MSK/Flink/ALB']);
    rows.push(['per million metrics', '$0.023', `$${cost.costPerMillionMetricsUsd.toFixed(4)}`, `${int(cost.millionMetricsPerMonth)} million metrics/month at 730 h (the reference used 30 days)`]);
    return markdownTable(['layer', 'reference', 'ours (`npm run plan -- --env prod`)', 'why they differ'], rows, ['l', 'r', 'r', 'l']);
  },
  'prod.rule.workload': (c) => {
    const { config, plan } = c.prod();
    const w = config.workload;
    return `${int(w.monitoredServers)} x ${w.metricsPerServerPerSecond} = ${int(plan.workload.averageMetricsPerSecond)} metrics/s, peak x ${w.peakFactor} = ${int(plan.workload.peakMetricsPerSecond)}, at ${w.metricsPerRequest} per request ${int(plan.workload.peakRequestsPerSecond)} req/s`;
  },
  'prod.rule.keyLimits': (c) => {
    const { plan } = c.prod();
    const i = plan.ingest;
    const k = i.keyRateLimit;
    return `${int(plan.workload.peakRequestsPerSecond)} / ${i.neededInstances} x ${k.headroom} = **${int(k.requestsPerSecondPerInstance)} req/s** and **${int(k.pointsPerSecondPerInstance)} points/s** per instance (${int(k.requestsPerSecondPerInstance / i.workersPerInstance)} per worker), planned ${int(plan.workload.peakRequestsPerSecond / i.desiredInstances)} at peak with all ${i.desiredInstances}`;
  },
  'prod.rule.alb': (c) => {
    const lb = c.prod().plan.loadBalancer;
    return `${(lb.processedBytesPerSecond / 1e6).toFixed(1)} MB/s, ${int(lb.activeConnections)} connections, **${lb.lcus.toFixed(1)} LCU**`;
  },
  'prod.rule.kafkaStorage': (c) => {
    const k = c.prod().plan.kafka;
    return `${int(k.retainedBytesPerBroker / 1e9)} GB retained per broker (${k.retentionHours} h of points, ${k.aggregates.retentionHours} h of aggregates, x RF ${k.replicationFactor} / ${k.brokers}) / ${c.prod().config.kafka.storageTargetUtilization} = **${k.storagePerBrokerGiB} GiB** per broker`;
  },
  'prod.rule.partitions': (c) => {
    const k = c.prod().plan.kafka;
    return `**${k.partitions}** partitions, ${k.partitionReplicasPerBroker} replicas per broker (recommended at most ${int(k.maxPartitionsPerBroker)})`;
  },
  'prod.rule.interAz': (c) => {
    const t = c.prod().plan.transfer;
    return t.crossAzFlows.map((f) => `${f.name} ${int(f.crossAzBytesPerMonth / 2 ** 30)} GiB`).join(', ') + ' a month, each billed out and in';
  },
  'prod.rule.ingest': (c) => {
    const { plan } = c.prod();
    const i = plan.ingest;
    return `ceil(${int(plan.workload.peakRequestsPerSecond)} / ${int(c.prod().config.ingest.requestsPerSecondPerInstance.value)}) = ${i.neededInstances}; an AZ loss must leave ${i.azLossSurvivorsNeeded}, so **${i.minInstances}** (${i.neededInstances} + ${i.minInstances - i.neededInstances} spares), max **${i.maxInstances}** (${pct(i.utilizationAtPeak)} of planned capacity at peak)`;
  },
  'prod.rule.kafka': (c) => {
    const k = c.prod().plan.kafka;
    const { config } = c.prod();
    const perBroker = config.kafka.recordsPerSecondPerBroker.value;
    return `max(${k.replicationFactor}, ceil(${int(k.replicaWritesPerSecond)} / (${int(perBroker)} x ${config.redundancy.azLossUtilization}))), to a multiple of ${config.availabilityZones} AZs -> **${k.brokers} x ${k.brokerInstanceType}** (${pct(k.utilizationAtPeak)} busy at peak)`;
  },
  'prod.rule.flink': (c) => {
    const f = c.prod().plan.flink;
    return `parallelism **${f.parallelism}** (${pct(f.utilizationAtPeak)} busy at peak); ${f.kpus} + 1 = ${f.billedKpus} KPUs billed`;
  },
  'prod.rule.influx': (c) => {
    const x = c.prod().plan.influx;
    return `${influxNodes(c.prod().plan)}, ${int(x.storedBytes / 1e9)} GB of ${x.aggregateRetentionDays}-day aggregates = ${Math.round(x.diskUsePercent)} % of each ${int(x.instanceStoreGB)} GB NVMe store`;
  },
  'prod.rule.backups': (c) => {
    const { config, plan } = c.prod();
    const b = config.backups;
    return `a full backup every ${b.intervalDays} day${b.intervalDays === 1 ? '' : 's'}, ${b.standardDays} days in S3 Standard, then Glacier Deep Archive to ${b.retentionDays} days: ${plan.backups.standardCopies} copies Standard, ${plan.backups.archiveCopies} Deep Archive`;
  },
  'prod.rule.clients': (c) => {
    const t = c.prod().plan.transfer;
    return `${t.outBytesPerRequest} B out per request x ${int(t.averageRequestsPerSecond)}/s = ${(t.clientOutBytesPerMonth / 1e12).toFixed(1)} TB a month`;
  },
};

const MARKER = /<!-- fig:([\w.-]+) -->([\s\S]*?)<!-- \/fig -->/g;

export interface RenderedDoc {
  readonly text: string;
  /** Figures whose quoted value differed from the code's. */
  readonly stale: readonly string[];
  /** Marker names FIGURES does not have. */
  readonly unknown: readonly string[];
  readonly used: readonly string[];
}

/** Rewrites every figure of one Markdown text from FIGURES. */
export function renderFigures(markdown: string, context: FigureContext): RenderedDoc {
  const stale: string[] = [];
  const unknown: string[] = [];
  const used: string[] = [];
  const text = markdown.replace(MARKER, (whole, name: string, quoted: string) => {
    const figure = FIGURES[name];
    if (!figure) {
      unknown.push(name);
      return whole;
    }
    used.push(name);
    const value = figure(context);
    const rendered = value.includes('\n') ? `\n${value}\n` : value;
    if (rendered !== quoted) stale.push(name);
    return `<!-- fig:${name} -->${rendered}<!-- /fig -->`;
  });
  return { text, stale, unknown, used };
}
