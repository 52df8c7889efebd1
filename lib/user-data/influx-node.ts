import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AGENT_DISK_PATHS } from '../plan/observability';
import { cloudWatchAgentConfig } from './cloudwatch-agent';

export interface InfluxNodeSettings {
  readonly environment: string;
  readonly node: number;
  readonly port: number;
  readonly database: string;
  readonly retentionPolicy: string;
  readonly retentionDays: number;
  /** Set on the one replica of each shard that uploads backups. */
  readonly backup?: { readonly bucketName: string; readonly intervalDays: number };
}

/**
 * Boot script of an InfluxDB node (Amazon Linux 2023): stripe and mount the NVMe instance store,
 * install InfluxDB 1.x, create the database with the planned retention as its default policy,
 * publish memory and disk metrics, and (on backup replicas) upload a full backup on a timer.
 */
export function influxNodeUserData(s: InfluxNodeSettings): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    '# Instance-store NVMe devices (not the EBS root): stripe them when there are several.',
    "mapfile -t disks < <(lsblk -dpno NAME,MODEL | awk '/Instance Storage/ {print $1}')",
    'if [ "${#disks[@]}" -gt 1 ]; then dnf install -y mdadm; mdadm --create /dev/md0 --run --level=0 --raid-devices=${#disks[@]} "${disks[@]}"; dev=/dev/md0; else dev=${disks[0]}; fi',
    'mkfs.xfs -f "$dev"',
    'mkdir -p /var/lib/influxdb',
    'echo "$dev /var/lib/influxdb xfs defaults,noatime,nofail 0 2" >> /etc/fstab',
    'mount /var/lib/influxdb',
    "cat > /etc/yum.repos.d/influxdata.repo <<'REPO'",
    '[influxdata]',
    'name = InfluxData Repository - Stable',
    'baseurl = https://repos.influxdata.com/stable/$basearch/main',
    'enabled = 1',
    'gpgcheck = 1',
    'gpgkey = https://repos.influxdata.com/influxdata-archive_compat.key',
    'REPO',
    'dnf install -y influxdb amazon-cloudwatch-agent',
    'chown -R influxdb:influxdb /var/lib/influxdb',
    `sed -i 's|^  # bind-address = ":8086"|  bind-address = ":${s.port}"|' /etc/influxdb/influxdb.conf`,
    'systemctl enable --now influxdb',
    `for i in $(seq 1 60); do curl -sf http://127.0.0.1:${s.port}/ping && break; sleep 2; done`,
    `influx -port ${s.port} -execute 'CREATE DATABASE "${s.database}" WITH DURATION ${s.retentionDays}d REPLICATION 1 NAME "${s.retentionPolicy}"'`,
    `influx -port ${s.port} -execute 'CREATE RETENTION POLICY "${s.retentionPolicy}" ON "${s.database}" DURATION ${s.retentionDays}d REPLICATION 1 DEFAULT' || true`,
    "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'CWA'",
    cloudWatchAgentConfig(s.environment, 'influx', AGENT_DISK_PATHS.influx),
    'CWA',
    'systemctl enable --now amazon-cloudwatch-agent',
  );
  if (s.backup) {
    userData.addCommands(
      "cat > /usr/local/bin/influx-backup <<'SH'",
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      'dir=/var/lib/influxdb/backup/$(date -u +%Y%m%dT%H%M%SZ)',
      'influxd backup -portable -host 127.0.0.1:8088 "$dir"',
      `aws s3 cp --recursive "$dir" "s3://${s.backup.bucketName}/node-${s.node}/$(basename "$dir")/"`,
      'rm -rf "$dir"',
      'SH',
      'chmod +x /usr/local/bin/influx-backup',
      "cat > /etc/systemd/system/influx-backup.service <<'UNIT'",
      '[Unit]',
      'Description=Full InfluxDB backup to S3',
      '[Service]',
      'Type=oneshot',
      'ExecStart=/usr/local/bin/influx-backup',
      'UNIT',
      "cat > /etc/systemd/system/influx-backup.timer <<'UNIT'",
      '[Unit]',
      `Description=InfluxDB backup every ${s.backup.intervalDays} days`,
      '[Timer]',
      `OnUnitActiveSec=${s.backup.intervalDays}d`,
      'OnBootSec=1h',
      'Persistent=true',
      '[Install]',
      'WantedBy=timers.target',
      'UNIT',
      'systemctl daemon-reload',
      'systemctl enable --now influx-backup.timer',
    );
  }
  return userData;
}
