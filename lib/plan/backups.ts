import type { CapacityConfig } from '../config/schema';
import type { InfluxPlan } from './influx';

/**
 * InfluxDB backups in S3: a full backup (one copy of the data) every `intervalDays`, kept in S3
 * Standard for `standardDays`, then in the archival class until `retentionDays`.
 */
export interface BackupPlan {
  readonly backupBytes: number;
  readonly standardCopies: number;
  readonly archiveCopies: number;
  readonly standardBytes: number;
  readonly archiveBytes: number;
}

export function planBackups(config: CapacityConfig, influx: InfluxPlan): BackupPlan {
  const b = config.backups;
  const standardCopies = Math.ceil(b.standardDays / b.intervalDays);
  const archiveCopies = Math.ceil((b.retentionDays - b.standardDays) / b.intervalDays);
  return {
    backupBytes: influx.storedBytes,
    standardCopies,
    archiveCopies,
    standardBytes: standardCopies * influx.storedBytes,
    archiveBytes: archiveCopies * influx.storedBytes,
  };
}
