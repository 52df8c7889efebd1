/**
 * What a deployment bills, before prices: one item per resource kind with its count and the
 * billed quantity per unit in the price list's unit. Resources come from the plan (or, for review,
 * from synthesized templates: lib/pricing/template-items.ts); usage-driven items (ALB LCUs,
 * inter-AZ traffic, backup storage) come from the plan's traffic and data estimates.
 */
import type { PricingModel } from '../config/schema';
import type { CapacityPlan } from '../plan';
import { DEEP_ARCHIVE_MIN_STORAGE_DAYS } from '../plan/backups';
import { RUNNING_STORAGE_GB_PER_KPU } from '../plan/flink';
import { GRAFANA_DB_DAILY_CHANGE, GRAFANA_DB_DATA_GIB } from '../plan/grafana';
import { AGENT_TIERS, agentMetricsOf, DETAILED_MONITORING_METRICS_PER_INSTANCE, logStorageGB, type AgentTier } from '../plan/observability';
import { BYTES_PER_GIB, HOURS_PER_MONTH } from '../plan/units';
import { INTERNET_OUT_TIERS, priceKeys, type Ec2Term } from './price-keys';

const gib = (bytes: number) => bytes / BYTES_PER_GIB;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Cost tiers, one per stack; monitoring holds the alarms and the dashboard, grafana the visualization tier. */
export const TIERS = ['network', 'ingest', 'kafka', 'flink', 'influx', 'monitoring', 'grafana'] as const;
export type Tier = (typeof TIERS)[number];

export interface BillableItem {
  readonly tier: Tier;
  readonly resource: string;
  /** Instance type, volume type or price dimension. */
  readonly type: string;
  /** How many of the resource (instances, volumes, KPUs, LCUs); fractional for LCUs. */
  readonly count: number;
  /** Billed units per month of one resource, in the unit of its price. */
  readonly quantityPerUnit: number;
  readonly priceKey: string;
  /** The usage assumption behind the quantity: what is counted, in which unit, and why. */
  readonly assumption?: string;
}

export function ec2Term(pricing: PricingModel): Ec2Term {
  return pricing;
}

/** Items for resources a template declares; shared by the plan and template readers. */
export const items = {
  natGateways: (count: number): BillableItem => ({ tier: 'network', resource: 'NAT gateways', type: 'nat-gateway', count, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.natGatewayHour, assumption: 'always on, 730 h a month' }),
  ec2Instances: (tier: Tier, instanceType: string, count: number, term: Ec2Term): BillableItem => ({
    tier,
    resource: 'EC2 instances',
    type: instanceType,
    count,
    quantityPerUnit: HOURS_PER_MONTH,
    priceKey: priceKeys.ec2Instance(instanceType, term),
    assumption: `the desired count running all month (730 h), ${term}`,
  }),
  ebsVolumes: (tier: Tier, count: number, sizeGiB: number): BillableItem => ({ tier, resource: 'EBS volumes', type: 'gp3', count, quantityPerUnit: sizeGiB, priceKey: priceKeys.ebsGp3Storage, assumption: `${sizeGiB} GiB per volume, one per instance` }),
  loadBalancers: (count: number, tier: Tier = 'ingest', kind: 'application' | 'network' = 'application'): BillableItem => ({
    tier,
    resource: 'load balancer',
    type: kind,
    count,
    quantityPerUnit: HOURS_PER_MONTH,
    priceKey: kind === 'network' ? priceKeys.nlbHour : priceKeys.albHour,
    assumption: 'always on, 730 h a month',
  }),
  mskBrokers: (brokerType: string, count: number): BillableItem => ({ tier: 'kafka', resource: 'MSK brokers', type: brokerType, count, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.mskBroker(brokerType), assumption: 'always on, 730 h a month' }),
  mskStorage: (brokers: number, perBrokerGiB: number, why = ''): BillableItem => ({ tier: 'kafka', resource: 'MSK broker storage', type: 'gp2', count: brokers, quantityPerUnit: perBrokerGiB, priceKey: priceKeys.mskStorage, assumption: `${perBrokerGiB} GiB provisioned per broker${why}` }),
  flinkKpus: (billedKpus: number): BillableItem => ({ tier: 'flink', resource: 'Flink KPUs (incl. orchestration)', type: 'KPU', count: billedKpus, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.flinkKpu, assumption: 'parallelism / parallelism per KPU, + 1 orchestration KPU, all month' }),
  flinkRunningStorage: (kpus: number): BillableItem => ({ tier: 'flink', resource: 'Flink running storage', type: 'running-storage', count: kpus, quantityPerUnit: RUNNING_STORAGE_GB_PER_KPU, priceKey: priceKeys.flinkRunningStorage, assumption: `${RUNNING_STORAGE_GB_PER_KPU} GB per KPU` }),
  interfaceEndpoints: (endpointAzs: number): BillableItem => ({
    tier: 'network',
    resource: 'VPC interface endpoints',
    type: 'endpoint x AZ',
    count: endpointAzs,
    quantityPerUnit: HOURS_PER_MONTH,
    priceKey: priceKeys.vpcEndpointHour,
    assumption: 'one network interface per endpoint per AZ, billed every hour',
  }),
  publicIpv4: (tier: Tier, count: number, what: string): BillableItem => ({ tier, resource: 'public IPv4 addresses', type: what, count, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.publicIpv4Hour, assumption: what === 'ALB node' ? 'one address per AZ of the internet-facing ALB (more while it scales out)' : 'one per NAT gateway, billed per hour' }),
  kmsKeys: (tier: Tier, count: number): BillableItem => ({ tier, resource: 'KMS keys', type: 'customer-managed', count, quantityPerUnit: 1, priceKey: priceKeys.kmsKey, assumption: 'per key-month; requests stay in the 20,000 a month KMS gives free' }),
  secrets: (tier: Tier, count: number): BillableItem => ({ tier, resource: 'Secrets Manager secrets', type: 'secret', count, quantityPerUnit: 1, priceKey: priceKeys.secret, assumption: 'per secret-month; read once per instance boot, API calls negligible' }),
  alarmMetrics: (count: number): BillableItem => ({ tier: 'monitoring', resource: 'CloudWatch alarms', type: 'alarm metric', count, quantityPerUnit: 1, priceKey: priceKeys.cloudwatchAlarmMetric, assumption: 'standard resolution; a metric-math alarm bills each metric it reads' }),
  dashboards: (count: number): BillableItem => ({ tier: 'monitoring', resource: 'CloudWatch dashboards', type: 'dashboard', count, quantityPerUnit: 1, priceKey: priceKeys.cloudwatchDashboard, assumption: "per dashboard-month (the account's 3 free dashboards not counted)" }),
  metrics: (tier: Tier, type: string, count: number, assumption: string): BillableItem => ({ tier, resource: 'CloudWatch metrics', type, count, quantityPerUnit: 1, priceKey: priceKeys.cloudwatchMetric, assumption }),
  detailedMonitoring: (tier: Tier, instances: number): BillableItem =>
    items.metrics(tier, 'detailed monitoring', instances * DETAILED_MONITORING_METRICS_PER_INSTANCE, `EC2 detailed monitoring: ${DETAILED_MONITORING_METRICS_PER_INSTANCE} metrics per instance at 1-minute resolution`),
  logIngestion: (tier: Tier, name: string, bytesPerMonth: number, assumption?: string): BillableItem => ({
    tier,
    resource: `log ingestion: ${name}`,
    type: 'CloudWatch Logs',
    count: 1,
    quantityPerUnit: gib(bytesPerMonth),
    priceKey: priceKeys.cloudwatchLogsIngestion,
    assumption,
  }),
  logStorage: (tier: Tier, name: string, bytesPerMonth: number, retentionDays: number): BillableItem => ({
    tier,
    resource: `log storage: ${name}`,
    type: 'CloudWatch Logs',
    count: 1,
    quantityPerUnit: gib(logStorageGB(bytesPerMonth, retentionDays)),
    priceKey: priceKeys.cloudwatchLogsStorage,
    assumption: `${retentionDays}-day retention of the archived (gzip) form, ~0.15 of the ingested bytes`,
  }),
  rdsInstances: (tier: Tier, instanceClass: string, multiAz: boolean): BillableItem => ({
    tier,
    resource: 'RDS instances',
    type: `${instanceClass} ${multiAz ? 'Multi-AZ' : 'Single-AZ'}`,
    count: 1,
    quantityPerUnit: HOURS_PER_MONTH,
    priceKey: priceKeys.rdsInstance(instanceClass, multiAz ? 'multi-az' : 'single-az'),
    assumption: `PostgreSQL, always on, 730 h a month${multiAz ? '; Multi-AZ bills the primary and its standby' : ''}`,
  }),
  rdsStorage: (tier: Tier, multiAz: boolean, sizeGiB: number): BillableItem => ({
    tier,
    resource: 'RDS storage',
    type: `gp3 ${multiAz ? 'Multi-AZ' : 'Single-AZ'}`,
    count: 1,
    quantityPerUnit: sizeGiB,
    priceKey: priceKeys.rdsGp3Storage(multiAz ? 'multi-az' : 'single-az'),
    assumption: `${sizeGiB} GiB provisioned${multiAz ? ', a copy in each AZ' : ''}`,
  }),
  rdsBackupStorage: (tier: Tier, billedGiB: number, storageGiB: number, retentionDays: number): BillableItem => ({
    tier,
    resource: 'RDS backup storage',
    type: 'beyond the free allowance',
    count: 1,
    quantityPerUnit: billedGiB,
    priceKey: priceKeys.rdsBackupStorage,
    assumption: `${retentionDays} days of automated backups of ~${GRAFANA_DB_DATA_GIB} GiB of metadata (+${GRAFANA_DB_DAILY_CHANGE * 100} % a day), free up to the ${storageGiB} GiB provisioned`,
  }),
  accessLogStorage: (tier: Tier, bytesPerMonth: number, expirationDays: number, noncurrentDays: number, versioned: boolean): BillableItem => {
    const days = expirationDays + (versioned ? noncurrentDays : 0);
    return {
      tier,
      resource: 'ALB access logs (S3 Standard)',
      type: 's3-standard',
      count: 1,
      quantityPerUnit: gib((bytesPerMonth * days) / (HOURS_PER_MONTH / 24)),
      priceKey: priceKeys.s3Standard,
      assumption: `${fmt(gib(bytesPerMonth))} GB of compressed logs a month kept ${expirationDays} days${versioned ? ` + ${noncurrentDays} days as noncurrent versions` : ''}`,
    };
  },
};

/** The resources the plan asks the stacks for. */
/** What fills the brokers' volumes: each topic's retained GB per broker, and the target fill. */
function mskStorageWhy(plan: CapacityPlan): string {
  const k = plan.kafka;
  const gb = (bytes: number) => Math.round(bytes / 1e9).toLocaleString('en-US');
  const points = k.retainedBytesPerBroker - k.retainedAggregatesBytesPerBroker;
  return `: ${gb(points)} GB of points (${k.retentionHours} h) + ${gb(k.retainedAggregatesBytesPerBroker)} GB of the aggregates topic (${k.aggregates.retentionHours} h) per broker at RF ${k.replicationFactor}, filled to at most the storage target`;
}

export function resourceItemsFromPlan(plan: CapacityPlan, pricing: PricingModel = plan.pricing): BillableItem[] {
  const term = ec2Term(pricing);
  const { ingest, kafka, flink, influx } = plan;
  return [
    items.natGateways(plan.natGateways),
    items.ec2Instances('ingest', ingest.instanceType, ingest.desiredInstances, term),
    items.ebsVolumes('ingest', ingest.desiredInstances, ingest.volumeGiB),
    items.loadBalancers(1),
    items.mskBrokers(kafka.brokerInstanceType, kafka.brokers),
    items.mskStorage(kafka.brokers, kafka.storagePerBrokerGiB, mskStorageWhy(plan)),
    items.flinkKpus(flink.billedKpus),
    items.flinkRunningStorage(flink.kpus),
    items.ec2Instances('influx', influx.instanceType, influx.nodeCount, term),
    items.ebsVolumes('influx', influx.nodeCount, influx.rootVolumeGiB),
    ...grafanaItemsFromPlan(plan, term),
    // The internal NLB readers query InfluxDB through (lib/influx-stack.ts).
    items.loadBalancers(1, 'influx', 'network'),
    ...chargeItemsFromPlan(plan),
  ];
}

/** Grafana's server, volume, database and load balancer (its secrets and key are in chargeItemsFromPlan). */
function grafanaItemsFromPlan(plan: CapacityPlan, term: Ec2Term): BillableItem[] {
  const { grafana: g } = plan;
  const db = g.database;
  return [
    items.ec2Instances('grafana', g.instanceType, g.instances, term),
    items.ebsVolumes('grafana', g.instances, g.rootVolumeGiB),
    items.rdsInstances('grafana', db.instanceClass, db.multiAz),
    items.rdsStorage('grafana', db.multiAz, db.storageGiB),
    items.rdsBackupStorage('grafana', db.billedBackupGiB, db.storageGiB, db.backupRetentionDays),
    items.loadBalancers(1, 'grafana'),
  ];
}

/**
 * What the deployment pays CloudWatch, KMS, Secrets Manager and the VPC for, sized by the plan:
 * the same kinds template-items.ts counts in the synthesized templates.
 */
export function chargeItemsFromPlan(plan: CapacityPlan): BillableItem[] {
  const { network, observability: o } = plan;
  const found: BillableItem[] = [
    items.interfaceEndpoints(network.interfaceEndpoints.length * network.endpointAzs),
    items.publicIpv4('network', plan.natGateways, 'elastic IP'),
  ];
  if (network.internetFacingLoadBalancer) found.push(items.publicIpv4('ingest', plan.availabilityZones, 'ALB node'));
  if (plan.grafana.loadBalancer.internetFacing) found.push(items.publicIpv4('grafana', plan.availabilityZones, 'ALB node'));
  found.push(
    ...countByTier(network.kmsKeys).map(([tier, n]) => items.kmsKeys(tier, n)),
    ...countByTier(network.secrets).map(([tier, n]) => items.secrets(tier, n)),
    items.alarmMetrics(o.alarmMetrics),
    items.dashboards(o.dashboards),
  );
  if (o.detailedMonitoring) {
    found.push(items.detailedMonitoring('ingest', plan.ingest.desiredInstances));
    found.push(items.detailedMonitoring('influx', plan.influx.nodeCount));
  }
  found.push(...agentMetricItems(o.agentInstances));
  if (o.mskMetrics > 0) found.push(mskMetricsItem(o.mskEnhancedMonitoring, o.mskMetrics));
  if (o.flinkMetrics > 0) found.push(flinkMetricsItem(o.flinkMetricsLevel, o.flinkMetrics));
  for (const group of o.logGroups) {
    found.push(items.logIngestion(group.tier, group.name, group.ingestedBytesPerMonth, group.why));
    found.push(items.logStorage(group.tier, group.name, group.ingestedBytesPerMonth, group.retentionDays));
  }
  found.push(items.accessLogStorage('ingest', o.accessLogs.bytesPerMonth, o.accessLogs.expirationDays, o.accessLogs.noncurrentDays, true));
  return found;
}

function countByTier(list: readonly { readonly tier: Tier }[]): [Tier, number][] {
  const counts = new Map<Tier, number>();
  for (const { tier } of list) counts.set(tier, (counts.get(tier) ?? 0) + 1);
  return [...counts];
}

/** The CloudWatch agent's metrics, a line per tier that has instances (agentMetricsOf). */
export function agentMetricItems(instances: Readonly<Partial<Record<AgentTier, number>>>): BillableItem[] {
  return AGENT_TIERS.filter((tier) => (instances[tier] ?? 0) > 0).map((tier) => {
    const { perInstance, aggregates, cpuPerNode } = agentMetricsOf(tier);
    const what = `memory, disks${cpuPerNode ? ', CPU by instance and node' : ''}`;
    return items.metrics(tier, 'agent', instances[tier]! * perInstance + aggregates, `CloudWatch agent: ${perInstance} per instance (${what}) + ${aggregates} tier aggregates`);
  });
}

export function mskMetricsItem(level: string, count: number): BillableItem {
  return items.metrics('kafka', `MSK ${level}`, count, `MSK enhanced monitoring at ${level}: the metrics beyond DEFAULT, per broker and per topic`);
}

export function flinkMetricsItem(level: string, count: number): BillableItem {
  return items.metrics('flink', `Flink ${level}`, count, `Managed Flink metrics level ${level}: per-task metrics beyond the application's (confidence low)`);
}

/** Items billed by use: the plan's traffic and data estimates, not countable in a template. */
export function usageItemsFromPlan(plan: CapacityPlan): BillableItem[] {
  const t = plan.transfer;
  const lb = plan.loadBalancer;
  return [
    {
      tier: 'ingest',
      resource: 'load balancer capacity units',
      type: 'LCU',
      count: lb.lcus,
      quantityPerUnit: HOURS_PER_MONTH,
      priceKey: priceKeys.albLcu,
      assumption: `the largest LCU dimension at peak: ${fmt(lb.processedBytesPerSecond / 1e6, 1)} MB/s processed, ${fmt(lb.newConnectionsPerSecond, 1)} new connections/s, ${fmt(lb.activeConnections)} active`,
    },
    // A cost:diff base side's plan from before Grafana has none.
    ...(plan.grafana ? [grafanaLcuItem(plan.grafana)] : []),
    ...influxReadItems(plan),
    ...clientTransferItems(plan),
    ...t.crossAzFlows.map(
      (flow): BillableItem => ({
        tier: flow.tier,
        resource: `inter-AZ: ${flow.name}`,
        type: 'out + in',
        count: 2,
        quantityPerUnit: gib(flow.crossAzBytesPerMonth),
        priceKey: priceKeys.interAzTransfer,
        assumption: `${fmt(gib(flow.crossAzBytesPerMonth))} GB/month crosses AZs, billed leaving one AZ and entering the other: ${flow.why}`,
      }),
    ),
    {
      tier: 'network',
      resource: 'NAT gateway data processed',
      type: 'GB',
      count: 1,
      quantityPerUnit: gib(plan.network.natProcessedBytesPerMonth),
      priceKey: priceKeys.natProcessed,
      assumption: `${plan.ingest.desiredInstances + influxNodeCount(plan) + (plan.grafana?.instances ?? 0)} instances x ~0.5 GB/month (package installs, OS updates, Secrets Manager)`,
    },
    {
      tier: 'network',
      resource: 'VPC endpoint data processed',
      type: 'GB',
      count: 1,
      quantityPerUnit: gib(plan.network.endpointBytesPerMonth),
      priceKey: priceKeys.vpcEndpointProcessed,
      assumption: `${plan.ingest.desiredInstances + influxNodeCount(plan) + (plan.grafana?.instances ?? 0)} instances x ~0.1 GB/month of metrics and SSM traffic`,
    },
    { tier: 'influx', resource: 'backups (S3 Standard)', type: 's3-standard', count: plan.backups.standardCopies, quantityPerUnit: gib(plan.backups.backupBytes), priceKey: priceKeys.s3Standard, assumption: `a full backup of every shard every ${plan.backups.intervalDays} day(s), kept ${plan.backups.standardDays} days in S3 Standard` },
    { tier: 'influx', resource: 'backups (S3 Glacier Deep Archive)', type: 's3-deep-archive', count: plan.backups.archiveBilledCopies, quantityPerUnit: gib(plan.backups.backupBytes), priceKey: priceKeys.s3DeepArchive, assumption: archiveAssumption(plan.backups) },
  ];
}

function archiveAssumption(b: CapacityPlan['backups']): string {
  const kept = `then in Deep Archive until day ${b.retentionDays}`;
  return b.archiveBilledCopies > b.archiveCopies
    ? `${kept}: ${b.archiveCopies} held, billed as ${b.archiveBilledCopies} (Deep Archive's ${DEEP_ARCHIVE_MIN_STORAGE_DAYS}-day minimum storage charge)`
    : kept;
}

/** Bytes to and from clients, priced by where the clients sit. */
export function clientTransferItems(plan: CapacityPlan): BillableItem[] {
  const t = plan.transfer;
  const inGB = gib(t.clientInBytesPerMonth);
  const outGB = gib(t.clientOutBytesPerMonth);
  const perRequest = `${fmt(t.averageRequestsPerSecond)} requests/s x ${fmt(t.outBytesPerRequest)} B (response, TLS record, TCP/IP headers)`;
  switch (t.clientNetwork) {
    case 'internet':
      // In from the internet is free; out is tiered by the month's volume.
      return INTERNET_OUT_TIERS.filter(({ fromGB }) => outGB > fromGB).map(({ tier, fromGB, toGB }) => ({
        tier: 'ingest',
        resource: 'data transfer out to clients (internet)',
        type: tier,
        count: 1,
        quantityPerUnit: Math.min(outGB, toGB) - fromGB,
        priceKey: priceKeys.internetOut(tier),
        assumption: `${fmt(outGB)} GB/month in all: ${perRequest}`,
      }));
    case 'same-region':
      return [
        { tier: 'ingest', resource: 'client requests in (public IPs, same region)', type: 'in', count: 1, quantityPerUnit: inGB, priceKey: priceKeys.sameRegionPublicTransfer, assumption: `${fmt(t.averageRequestsPerSecond)} requests/s x ${fmt(t.inBytesPerRequest)} B on the wire` },
        { tier: 'ingest', resource: 'responses out (public IPs, same region)', type: 'out', count: 1, quantityPerUnit: outGB, priceKey: priceKeys.sameRegionPublicTransfer, assumption: perRequest },
      ];
    case 'private':
      return [
        {
          tier: 'ingest',
          resource: 'client traffic across AZs (internal ALB)',
          type: 'out + in',
          count: 2,
          quantityPerUnit: (inGB + outGB) * t.crossAzShare,
          priceKey: priceKeys.interAzTransfer,
          assumption: `requests and responses (${fmt(inGB + outGB)} GB/month) reach an ALB node in another AZ ${Math.round(t.crossAzShare * 100)} % of the time`,
        },
      ];
  }
}

/**
 * The NLCUs of the InfluxDB read NLB. A plan written by code older than the NLB (a cost:diff base
 * side's plan JSON) has no `influxRead`: it has no NLB either, so no line.
 */
function influxReadItems(plan: CapacityPlan): BillableItem[] {
  const read = plan.influxRead as CapacityPlan['influxRead'] | undefined;
  if (!read) return [];
  return [
    {
      tier: 'influx',
      resource: 'load balancer capacity units',
      type: 'NLCU',
      count: read.nlcus,
      quantityPerUnit: HOURS_PER_MONTH,
      priceKey: priceKeys.nlbNlcu,
      assumption: `readers (Grafana, operators) through the InfluxDB NLB, assumed: ${fmt(read.load.processedBytesPerSecond / 1e3)} kB/s processed, ${fmt(read.load.newConnectionsPerSecond)} new connection/s, ${fmt(read.load.activeConnections)} active`,
    },
  ];
}

/** InfluxDB nodes of a plan; a cost:diff base side's plan from before the layout list has `nodes` as a count. */
function influxNodeCount(plan: CapacityPlan): number {
  const influx = plan.influx as CapacityPlan['influx'] & { nodes: unknown };
  return influx.nodeCount ?? Number(influx.nodes);
}

function grafanaLcuItem(g: CapacityPlan['grafana']): BillableItem {
  return {
    tier: 'grafana',
    resource: 'load balancer capacity units',
    type: 'LCU',
    count: g.loadBalancer.lcus,
    quantityPerUnit: HOURS_PER_MONTH,
    priceKey: priceKeys.albLcu,
    assumption: `operators' dashboards (assumed): ${fmt(g.loadBalancer.load.processedBytesPerSecond / 1e3)} kB/s processed, ${g.loadBalancer.load.activeConnections} connections`,
  };
}
