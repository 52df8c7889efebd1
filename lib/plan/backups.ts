import type { CapacityConfig } from '../config/schema';
import type { InfluxPlan } from './influx';

/**
 * InfluxDB backups in S3: a full backup of every shard (together one copy of the data) every
 * `intervalDays`, kept in S3 Standard for `standardDays`, then in the archival class until
 * `retentionDays`. A node whose store is empty at boot restores its shard's latest one.
 */
export interface BackupPlan {
  readonly intervalDays: number;
  readonly standardDays: number;
  readonly retentionDays: number;
  /** The replica of every shard that uploads the backups (its timer), and so the nodes (indexes into influx.nodes) that do. */
  readonly replica: number;
  readonly nodes: readonly number[];
  /** Backups of shard s are under `shard-<s>/<UTC time of the backup's start>/` in the bucket. */
  readonly backupBytes: number;
  readonly standardCopies: number;
  readonly archiveCopies: number;
  /**
   * Deep Archive copies billed: a backup deleted before the class's minimum storage duration is
   * charged for the rest of it, so a retention shorter than that bills as if each stayed the minimum.
   */
  readonly archiveBilledCopies: number;
  readonly standardBytes: number;
  readonly archiveBytes: number;
}

/**
 * S3 Glacier Deep Archive bills at least 180 days of storage from the object's transition into it:
 * "objects deleted before 180 days incur a pro-rated charge equal to the storage charge for the
 * remaining days" (https://aws.amazon.com/s3/pricing/, Storage: minimum storage duration).
 */
export const DEEP_ARCHIVE_MIN_STORAGE_DAYS = 180;

/** Replica 0 of each shard backs up: every shard has one (RF >= 1), in the first AZ. */
export const BACKUP_REPLICA = 0;

export function planBackups(config: CapacityConfig, influx: InfluxPlan): BackupPlan {
  const b = config.backups;
  const standardCopies = Math.ceil(b.standardDays / b.intervalDays);
  const archiveDays = b.retentionDays - b.standardDays;
  const archiveCopies = Math.ceil(archiveDays / b.intervalDays);
  const archiveBilledCopies = archiveDays > 0 ? Math.ceil(Math.max(archiveDays, DEEP_ARCHIVE_MIN_STORAGE_DAYS) / b.intervalDays) : 0;
  const replica = BACKUP_REPLICA;
  return {
    intervalDays: b.intervalDays,
    standardDays: b.standardDays,
    retentionDays: b.retentionDays,
    replica,
    nodes: influx.nodes.flatMap((n, index) => (n.replica === replica ? [index] : [])),
    // Every shard once: together one copy of the data.
    backupBytes: influx.storedBytes,
    standardCopies,
    archiveCopies,
    archiveBilledCopies,
    standardBytes: standardCopies * influx.storedBytes,
    archiveBytes: archiveCopies * influx.storedBytes,
  };
}
