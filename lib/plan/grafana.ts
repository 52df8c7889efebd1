/**
 * Grafana, the visualization tier: its server, its PostgreSQL metadata database and its
 * operators-only load balancer, sized from `config.grafana`. Pure, like the rest of the plan.
 */
import type { CapacityConfig } from '../config/schema';
import { CapacityConfigError } from './errors';
import { EC2_INSTANCE_TYPES, RDS_INSTANCE_CLASSES } from '../catalog/instance-types';
import { LCU } from './load-balancer';
import { ALARM_PERIOD_SECONDS, type Threshold } from './thresholds';
import { SECONDS_PER_HOUR } from './units';

/** RDS PostgreSQL gp3 storage limits, GiB. @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html */
export const RDS_MIN_STORAGE_GIB = 20;
export const RDS_MAX_STORAGE_GIB = 65_536;
/** Automated backups are kept 1 to 35 days (0 would turn them off). */
export const RDS_MAX_BACKUP_RETENTION_DAYS = 35;
/** The root volume holds the AMI's 8 GiB snapshot, Grafana's packages and its logs. */
export const GRAFANA_MIN_ROOT_VOLUME_GIB = 8;

/**
 * What Grafana's metadata database holds: dashboards, users, folders, alert rules and their state.
 * An assumption, not a measurement: a few hundred dashboards are a few MB; 1 GiB leaves a wide margin.
 */
export const GRAFANA_DB_DATA_GIB = 1;
/** Share of the database rewritten a day (sessions, alert state), which each daily incremental keeps (assumed). */
export const GRAFANA_DB_DAILY_CHANGE = 0.1;

/**
 * Backup storage RDS bills for the automated backups of one instance: a full copy plus a day's changes
 * for each retained day, beyond the free allowance of the provisioned storage.
 * @see https://aws.amazon.com/rds/postgresql/pricing/ ("Backup storage": free up to 100 % of provisioned storage)
 */
export function rdsBilledBackupGiB(storageGiB: number, backupRetentionDays: number): number {
  const backupGiB = GRAFANA_DB_DATA_GIB * (1 + backupRetentionDays * GRAFANA_DB_DAILY_CHANGE);
  return Math.max(0, backupGiB - storageGiB);
}

/**
 * Operators' use of the Grafana ALB: a few open dashboards refreshing every 30 s over keep-alive
 * connections. Stated assumptions (nothing measured), priced so the LCU line shows and moves with them.
 */
export const GRAFANA_LOAD = {
  processedBytesPerSecond: 100_000,
  activeConnections: 20,
  newConnectionsPerSecond: 0.5,
} as const;

/** Private ranges (RFC 1918): operators inside them reach an internal ALB; anyone else needs an internet-facing one. */
const PRIVATE_RANGES: readonly [number, number][] = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
];

function ipv4(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function isPrivateCidr(cidr: string): boolean {
  const [address, bits] = cidr.split('/');
  const start = ipv4(address);
  return PRIVATE_RANGES.some(([base, prefix]) => Number(bits) >= prefix && Math.floor(start / 2 ** (32 - prefix)) === Math.floor(base / 2 ** (32 - prefix)));
}

/** The ALB's check of a Grafana host: /api/health answers 200 once its database is reachable. */
const GRAFANA_HEALTH_CHECK = { path: '/api/health', intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 } as const;
/** Dashboard queries are short; a leaving host gets this long to finish them. */
const GRAFANA_DEREGISTRATION_DELAY_SECONDS = 30;

export interface GrafanaPlan {
  readonly instanceType: string;
  /** The Auto Scaling group's min, max and desired size. */
  readonly instances: number;
  readonly rootVolumeGiB: number;
  /** Boot: how long the host waits for /api/health before it signals failure, and CloudFormation for the signal. */
  readonly lifecycle: {
    readonly readinessTimeoutSeconds: number;
    readonly readinessPollSeconds: number;
    readonly signalTimeoutSeconds: number;
    readonly healthCheckGraceSeconds: number;
  };
  readonly database: {
    readonly instanceClass: string;
    readonly engine: 'postgres';
    readonly storageGiB: number;
    readonly storageType: 'gp3';
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    /** Deletion protection on, and the instance retained (snapshotted) when its stack is deleted. */
    readonly deletionProtection: boolean;
    /** Automated-backup storage beyond the free allowance (rdsBilledBackupGiB). */
    readonly billedBackupGiB: number;
  };
  readonly loadBalancer: {
    /** Internal when every operator CIDR is a private range; internet-facing otherwise. */
    readonly internetFacing: boolean;
    readonly lcus: number;
    readonly load: typeof GRAFANA_LOAD;
    /** The target group's check of Grafana's /api/health, and how long a leaving host finishes requests. */
    readonly healthCheck: typeof GRAFANA_HEALTH_CHECK;
    readonly deregistrationDelaySeconds: number;
  };
  readonly managedAlternative: { readonly editors: number; readonly viewers: number };
  /**
   * The "Grafana down" alarm (lib/monitoring-stack.ts): fewer than `value` healthy targets for
   * `minutes` one-minute periods. A deploy replaces the one server with none in service (the rolling update's
   * minInstancesInService 0), for as long as its signal may take plus the ALB's healthy threshold;
   * only a server that stays down longer than that pages.
   */
  readonly downAlarm: Threshold;
  /** The listener: plain HTTP (access.plainHttp), or HTTPS for `domainName` with an existing or a requested certificate. */
  readonly listener: { readonly plainHttp: true } | { readonly plainHttp: false; readonly domainName: string; readonly certificateArn?: string; readonly hostedZoneId?: string };
}

export function validateGrafanaConfig(config: CapacityConfig): void {
  const fail = (field: string, rule: string): never => {
    throw new CapacityConfigError(config.environment, field, rule);
  };
  const g = config.grafana;
  const type = EC2_INSTANCE_TYPES[g.instanceType];
  if (!type) fail('grafana.instanceType', `("${g.instanceType}") is not a known EC2 instance type: expected one of ${Object.keys(EC2_INSTANCE_TYPES).join(', ')}`);
  if (g.instances !== 1) {
    fail('grafana.instances', `(${g.instances}) must be 1: Grafana OSS servers sharing one database also need alerting HA clustering, which this stack does not configure`);
  }
  if (!Number.isInteger(g.rootVolumeGiB) || g.rootVolumeGiB < GRAFANA_MIN_ROOT_VOLUME_GIB) {
    fail('grafana.rootVolumeGiB', `(${g.rootVolumeGiB}) must be a whole number of GiB, at least ${GRAFANA_MIN_ROOT_VOLUME_GIB} (the AMI's root snapshot)`);
  }
  const db = g.database;
  if (!RDS_INSTANCE_CLASSES[db.instanceClass]) {
    fail('grafana.database.instanceClass', `("${db.instanceClass}") is not a known RDS instance class: expected one of ${Object.keys(RDS_INSTANCE_CLASSES).join(', ')}`);
  }
  if (!Number.isInteger(db.storageGiB) || db.storageGiB < RDS_MIN_STORAGE_GIB || db.storageGiB > RDS_MAX_STORAGE_GIB) {
    fail('grafana.database.storageGiB', `(${db.storageGiB}) must be a whole number from ${RDS_MIN_STORAGE_GIB} to ${RDS_MAX_STORAGE_GIB} GiB (RDS PostgreSQL gp3)`);
  }
  if (!Number.isInteger(db.backupRetentionDays) || db.backupRetentionDays < 1 || db.backupRetentionDays > RDS_MAX_BACKUP_RETENTION_DAYS) {
    fail('grafana.database.backupRetentionDays', `(${db.backupRetentionDays}) must be a whole number of days from 1 to ${RDS_MAX_BACKUP_RETENTION_DAYS}: automated backups stay on`);
  }
  if (config.access.protectFromDeletion && !db.deletionProtection) {
    fail('grafana.database.deletionProtection', 'must be true when access.protectFromDeletion is: the dashboards and users live in this database');
  }
  const { editors, viewers } = g.managedAlternative;
  if (!Number.isInteger(editors) || editors < 1) {
    fail('grafana.managedAlternative.editors', `(${editors}) must be a positive integer: every Amazon Managed Grafana workspace bills at least one editor`);
  }
  if (!Number.isInteger(viewers)) fail('grafana.managedAlternative.viewers', `(${viewers}) must be a whole number`);
  if (config.access.plainHttp && (g.domainName || g.certificateArn)) {
    fail('grafana.domainName', 'must not be set together with access.plainHttp: the Grafana listener then serves plain HTTP');
  }
  if (!config.access.plainHttp && !g.domainName) {
    fail('grafana.domainName', "is required unless access.plainHttp is set: the operators' HTTPS listener needs a name for its certificate");
  }
}

export function planGrafana(config: CapacityConfig): GrafanaPlan {
  validateGrafanaConfig(config);
  const g = config.grafana;
  const load = GRAFANA_LOAD;
  const lifecycle = { readinessTimeoutSeconds: 600, readinessPollSeconds: 5, signalTimeoutSeconds: 900, healthCheckGraceSeconds: 600 };
  const healthyAfterSeconds = GRAFANA_HEALTH_CHECK.healthyThreshold * GRAFANA_HEALTH_CHECK.intervalSeconds;
  const lcus = Math.max(
    load.newConnectionsPerSecond / LCU.newConnectionsPerSecond,
    load.activeConnections / LCU.activeConnections,
    (load.processedBytesPerSecond * SECONDS_PER_HOUR) / LCU.processedBytesPerHour,
  );
  return {
    instanceType: g.instanceType,
    instances: g.instances,
    rootVolumeGiB: g.rootVolumeGiB,
    // dnf installs and Grafana's first start (database migrations on an empty PostgreSQL) take a few minutes.
    lifecycle,
    database: {
      instanceClass: g.database.instanceClass,
      engine: 'postgres',
      storageGiB: g.database.storageGiB,
      storageType: 'gp3',
      multiAz: g.database.multiAz,
      backupRetentionDays: g.database.backupRetentionDays,
      deletionProtection: g.database.deletionProtection,
      billedBackupGiB: rdsBilledBackupGiB(g.database.storageGiB, g.database.backupRetentionDays),
    },
    loadBalancer: {
      internetFacing: !config.access.operatorCidrs.every(isPrivateCidr),
      lcus,
      load,
      healthCheck: GRAFANA_HEALTH_CHECK,
      deregistrationDelaySeconds: GRAFANA_DEREGISTRATION_DELAY_SECONDS,
    },
    managedAlternative: { ...g.managedAlternative },
    downAlarm: { value: 1, minutes: Math.ceil((lifecycle.signalTimeoutSeconds + healthyAfterSeconds) / ALARM_PERIOD_SECONDS) },
    listener: config.access.plainHttp
      ? { plainHttp: true }
      : { plainHttp: false, domainName: g.domainName!, ...(g.certificateArn ? { certificateArn: g.certificateArn } : { ...(config.access.hostedZoneId ? { hostedZoneId: config.access.hostedZoneId } : {}) }) },
  };
}
