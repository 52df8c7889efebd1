import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BROKERS_AT_BOOT, TELEGRAF_VERSION, telegrafLoaderConfig } from '../influx/loader-config';
import { INFLUX_USERS, type InfluxUser } from '../influx/read-access';
import { AGENT_DISK_PATHS } from '../plan/observability';
import { cloudWatchAgentConfig } from './cloudwatch-agent';
import { RESET_GROUP_LIB, RESET_GROUP_PATH, RESET_GROUP_PY, RESET_GROUP_REQUIREMENTS, resetGroupPipArgs } from './reset-group';

/**
 * InfluxData's package signing key (https://repos.influxdata.com/influxdata-archive.key): the primary
 * key, and the signing subkey added on 2025-07-10 that signs packages since the 2023 subkey (the one
 * influxdata-archive_compat.key holds) expired on 2026-01-17. The boot refuses a key file without both.
 * https://www.influxdata.com/blog/package-signing-key-rotation/
 */
export const INFLUXDATA_KEY = {
  url: 'https://repos.influxdata.com/influxdata-archive.key',
  primaryFingerprint: '24C975CBA61A024EE1B631787C3D57159FC2F927',
  signingSubkeyFingerprint: 'AC10D7449F343ADCEFDDC2B6DA61C26A0585BD3B',
} as const;

/**
 * The InfluxDB 1.x release every node installs. Pinned, like Telegraf and the AMI: replicas replaced
 * one at a time must not end up on different releases, and none may pick up a release on its own at
 * boot — 1.12.3 shipped a TSI-index panic under concurrent reads and writes that 1.12.4 fixed
 * (https://docs.influxdata.com/influxdb/v1/about_the_project/release-notes/). A bump changes the
 * user data, so `template:diff` shows every node replaced (one at a time, each restored).
 */
export const INFLUXDB_VERSION = '1.12.4';

const DATA_DIR = '/var/lib/influxdb';
const KEY_FILE = '/etc/pki/rpm-gpg/RPM-GPG-KEY-influxdata';
/** Where the Telegraf package's systemd unit reads its config and environment. */
export const LOADER_FILES = { config: '/etc/telegraf/telegraf.conf', environment: '/etc/default/telegraf' } as const;
/** The variable of the loader's password: in the generated config and in LOADER_FILES.environment. */
export const LOADER_PASSWORD_ENV = 'INFLUX_LOADER_PASSWORD';

export interface InfluxNodeSettings {
  readonly environment: string;
  readonly node: number;
  readonly port: number;
  /** The boot polls /ping this long before it fails (and so signals failure). */
  readonly readinessTimeoutSeconds: number;
  readonly readinessPollSeconds: number;
  /** Above 0 it is written into the script: a raise changes the user data and replaces the node. */
  readonly generation: number;
  readonly database: string;
  readonly retentionPolicy: string;
  readonly retentionDays: number;
  readonly shard: number;
  /** The backup bucket; `uploads` on the replica of each shard that backs it up (plan.backups.nodes). */
  readonly backups: { readonly bucketName: string; readonly intervalDays: number; readonly uploads: boolean };
  /** A restored node's group is reset this long before its backup's start (plan.kafka.aggregates.retentionRule). */
  readonly resetMarginSeconds: number;
  readonly region: string;
  /** The Secrets Manager secret (ARN) of each InfluxDB user, `{"username", "password"}`. */
  readonly userSecretArns: Readonly<Record<InfluxUser, string>>;
  /** The node's loader: what it reads, with which group, from which brokers (a deploy-time token). */
  readonly loader: { readonly bootstrapBrokers: string; readonly topic: string; readonly consumerGroup: string };
}

/**
 * Shell lines that turn MSK's bootstrap string (`host:port,host:port`, in $MSK_BOOTSTRAP_BROKERS)
 * into the TOML list the loader config's BROKERS_AT_BOOT stands for, in `file`. A string that is not
 * such a list fails the boot.
 */
export function brokersAtBootLines(file: string): string[] {
  return [
    `[[ "$MSK_BOOTSTRAP_BROKERS" =~ ^[A-Za-z0-9.-]+:[0-9]+(,[A-Za-z0-9.-]+:[0-9]+)*$ ]] || { echo "bad MSK bootstrap string: $MSK_BOOTSTRAP_BROKERS" >&2; exit 1; }`,
    `brokers_toml=$(tr ',' '\\n' <<<"$MSK_BOOTSTRAP_BROKERS" | sed 's/.*/"&"/' | paste -sd, - | sed 's/,/, /g')`,
    `sed -i "s|${BROKERS_AT_BOOT}|$brokers_toml|" ${file}`,
    // Not `! grep`: set -e ignores a negated command.
    `if grep -q '${BROKERS_AT_BOOT}' ${file}; then echo "brokers not filled in" >&2; exit 1; fi`,
  ];
}

/**
 * Boot script of an InfluxDB node (Amazon Linux 2023): stripe and mount the NVMe instance store,
 * install InfluxDB 1.x from InfluxData's repository (its current signing key, fingerprints checked),
 * create the database with the planned retention as its default policy, publish CPU, memory and disk
 * metrics, and (on backup replicas) upload a full backup on a timer. The caller adds the exit trap
 * (addSignalOnExitCommand) that sends cfn-signal with the script's exit status: under `set -e` any
 * failed step, or an InfluxDB that never answers /ping, signals failure.
 *
 * The data mount is required, never `nofail`: after a stop/start the instance store is blank, the
 * filesystem UUID is gone and the boot fails loudly at the mount, and influxd (RequiresMountsFor)
 * cannot start on the root volume with an empty database. Recovery is replacing the node.
 */
export function influxNodeUserData(s: InfluxNodeSettings): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    ...(s.generation > 0 ? [`# node ${s.node}, generation ${s.generation}`] : []),
    'dnf install -y aws-cfn-bootstrap',
    '# Instance-store NVMe devices (not the EBS root): stripe them when there are several.',
    "mapfile -t disks < <(lsblk -dpno NAME,MODEL | awk '/Instance Storage/ {print $1}')",
    '[ "${#disks[@]}" -ge 1 ] || { echo "no NVMe instance store found" >&2; exit 1; }',
    'if [ "${#disks[@]}" -gt 1 ]; then dnf install -y mdadm; mdadm --create /dev/md0 --run --level=0 --raid-devices=${#disks[@]} "${disks[@]}"; dev=/dev/md0; else dev=${disks[0]}; fi',
    'mkfs.xfs -f "$dev"',
    `mkdir -p ${DATA_DIR}`,
    // By UUID: NVMe names may change between boots; a blank store after stop/start has no such UUID.
    `echo "UUID=$(blkid -s UUID -o value "$dev") ${DATA_DIR} xfs defaults,noatime 0 2" >> /etc/fstab`,
    `mount ${DATA_DIR}`,
    `mountpoint -q ${DATA_DIR}`,
    `curl -sfL -o /tmp/influxdata-archive.key ${INFLUXDATA_KEY.url}`,
    `fingerprints=$(gpg --show-keys --with-colons /tmp/influxdata-archive.key | awk -F: '$1 == "fpr" {print $10}')`,
    `grep -qx ${INFLUXDATA_KEY.primaryFingerprint} <<<"$fingerprints"`,
    `grep -qx ${INFLUXDATA_KEY.signingSubkeyFingerprint} <<<"$fingerprints"`,
    `install -m 0644 /tmp/influxdata-archive.key ${KEY_FILE}`,
    "cat > /etc/yum.repos.d/influxdata.repo <<'REPO'",
    '[influxdata]',
    'name = InfluxData Repository - Stable',
    'baseurl = https://repos.influxdata.com/stable/$basearch/main',
    'enabled = 1',
    'gpgcheck = 1',
    `gpgkey = file://${KEY_FILE}`,
    'REPO',
    // Telegraf (the loader) pinned to the version the e2e run builds (scripts/telegraf/common.sh), from the same repository and key.
    `dnf install -y influxdb-${INFLUXDB_VERSION} telegraf-${TELEGRAF_VERSION} amazon-cloudwatch-agent`,
    // dnf takes a bare name for "latest": the installed release must be the pinned one.
    `rpm -q --qf '%{VERSION}\\n' influxdb | grep -qx '${INFLUXDB_VERSION}'`,
    `chown -R influxdb:influxdb ${DATA_DIR}`,
    'mkdir -p /etc/systemd/system/influxdb.service.d',
    "cat > /etc/systemd/system/influxdb.service.d/data-mount.conf <<'UNIT'",
    '[Unit]',
    `RequiresMountsFor=${DATA_DIR}`,
    'UNIT',
    'systemctl daemon-reload',
    `sed -i 's|^  # bind-address = ":8086"|  bind-address = ":${s.port}"|' /etc/influxdb/influxdb.conf`,
    // Authentication on: nothing is answered without a user but /ping.
    "sed -i 's|^  # auth-enabled = false|  auth-enabled = true|' /etc/influxdb/influxdb.conf",
    "grep -qx '  auth-enabled = true' /etc/influxdb/influxdb.conf",
    'systemctl enable --now influxdb',
    `timeout ${s.readinessTimeoutSeconds} bash -c 'until curl -sf -o /dev/null http://127.0.0.1:${s.port}/ping; do sleep ${s.readinessPollSeconds}; done'`,
    // The users, from their secrets (the node role may read exactly these). Passwords are
    // alphanumeric (the secrets exclude punctuation), so they sit in InfluxQL quotes as they are.
    `secret_password() { aws secretsmanager get-secret-value --region ${s.region} --secret-id "$1" --query SecretString --output text | python3 -c 'import json, sys; print(json.load(sys.stdin)["password"])'; }`,
    ...(['admin', 'loader', 'reader'] as const).map((u) => `${u}_password=$(secret_password '${s.userSecretArns[u]}')`),
    // The first user must be the admin: InfluxDB accepts only that without credentials.
    `influx -port ${s.port} -execute "CREATE USER \\"${INFLUX_USERS.admin}\\" WITH PASSWORD '$admin_password' WITH ALL PRIVILEGES"`,
    // The influx CLI takes its credentials from these, not from the command line.
    `export INFLUX_USERNAME=${INFLUX_USERS.admin} INFLUX_PASSWORD="$admin_password"`,
    `influx -port ${s.port} -execute "CREATE USER \\"${INFLUX_USERS.loader}\\" WITH PASSWORD '$loader_password'"`,
    `influx -port ${s.port} -execute "CREATE USER \\"${INFLUX_USERS.reader}\\" WITH PASSWORD '$reader_password'"`,
    ...restoreLines(s),
    // A restored database keeps its policy, set to the planned retention; a new one is created with it.
    'if [ -n "$restored" ]; then',
    `  influx -port ${s.port} -execute 'ALTER RETENTION POLICY "${s.retentionPolicy}" ON "${s.database}" DURATION ${s.retentionDays}d DEFAULT'`,
    'else',
    `  influx -port ${s.port} -execute 'CREATE DATABASE "${s.database}" WITH DURATION ${s.retentionDays}d REPLICATION 1 NAME "${s.retentionPolicy}"'`,
    'fi',
    `influx -port ${s.port} -execute 'GRANT WRITE ON "${s.database}" TO "${INFLUX_USERS.loader}"'`,
    `influx -port ${s.port} -execute 'GRANT READ ON "${s.database}" TO "${INFLUX_USERS.reader}"'`,
    'unset INFLUX_USERNAME INFLUX_PASSWORD',
    ...loaderLines(s),
    "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'CWA'",
    cloudWatchAgentConfig(s.environment, 'influx', AGENT_DISK_PATHS.influx, s.node),
    'CWA',
    'systemctl enable --now amazon-cloudwatch-agent',
  );
  if (s.backups.uploads) {
    userData.addCommands(
      "cat > /usr/local/bin/influx-backup <<'SH'",
      '#!/usr/bin/env bash',
      '# A full backup of this shard under shard-<s>/<UTC start time>/; COMPLETE last, so a restore never takes a partial one.',
      'set -euo pipefail',
      'time=$(date -u +%Y%m%dT%H%M%SZ)',
      'dir=/var/lib/influxdb/backup/$time',
      'influxd backup -portable -host 127.0.0.1:8088 "$dir"',
      `aws s3 cp --recursive "$dir" "${backupPrefix(s)}/$time/"`,
      `echo "$time" | aws s3 cp - "${backupPrefix(s)}/$time/COMPLETE"`,
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
      `Description=InfluxDB backup every ${s.backups.intervalDays} day(s)`,
      '[Timer]',
      `OnUnitActiveSec=${s.backups.intervalDays}d`,
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

/**
 * The loader (docs/influx-loader.md): the generator's config for this node, its brokers filled in
 * at boot, the write-only user's password in the unit's environment file (root only), and Telegraf
 * started after influxd, needing it.
 */
function loaderLines(s: InfluxNodeSettings): string[] {
  const config = telegrafLoaderConfig({
    brokers: BROKERS_AT_BOOT,
    topics: [s.loader.topic],
    consumerGroup: s.loader.consumerGroup,
    influxUrl: `http://127.0.0.1:${s.port}`,
    database: s.database,
    retentionPolicy: s.retentionPolicy,
    username: INFLUX_USERS.loader,
    passwordEnv: LOADER_PASSWORD_ENV,
    sasl: { mechanism: 'AWS-MSK-IAM', region: s.region },
  });
  return [
    `cat > ${LOADER_FILES.config} <<'CONF'`,
    config.trimEnd(),
    'CONF',
    `MSK_BOOTSTRAP_BROKERS='${s.loader.bootstrapBrokers}'`,
    ...brokersAtBootLines(LOADER_FILES.config),
    `install -m 0600 /dev/null ${LOADER_FILES.environment}`,
    `echo "${LOADER_PASSWORD_ENV}=$loader_password" > ${LOADER_FILES.environment}`,
    'mkdir -p /etc/systemd/system/telegraf.service.d',
    "cat > /etc/systemd/system/telegraf.service.d/loader.conf <<'UNIT'",
    '[Unit]',
    'Description=MetricStream loader: the aggregates topic into the local InfluxDB',
    'After=influxdb.service',
    'Requires=influxdb.service',
    'UNIT',
    ...resetGroupLines(s),
    'systemctl daemon-reload',
    'systemctl enable --now telegraf',
    'systemctl is-active --quiet telegraf',
  ];
}

/** Where the backups of the node's shard are: every replica of the shard restores from there. */
function backupPrefix(s: InfluxNodeSettings): string {
  return `s3://${s.backups.bucketName}/shard-${s.shard}`;
}

/**
 * The instance store is empty at every first boot: put back the latest complete backup of the
 * node's shard (the newest `shard-<s>/<time>/` holding COMPLETE), before the database exists, as
 * `influxd restore -portable -db` needs. Sets $restored to the backup's time, or empty without one.
 */
function restoreLines(s: InfluxNodeSettings): string[] {
  const prefix = backupPrefix(s);
  return [
    'restored=',
    `for t in $(aws s3 ls "${prefix}/" | awk '$1 == "PRE" {print $2}' | tr -d / | sort -r); do`,
    `  if aws s3 ls "${prefix}/$t/COMPLETE" >/dev/null; then restored=$t; break; fi`,
    'done',
    'if [ -n "$restored" ]; then',
    `  aws s3 cp --recursive --only-show-errors "${prefix}/$restored/" ${DATA_DIR}/restore/`,
    `  rm -f ${DATA_DIR}/restore/COMPLETE`,
    `  influxd restore -portable -db ${s.database} -host 127.0.0.1:8088 ${DATA_DIR}/restore`,
    `  rm -rf ${DATA_DIR}/restore`,
    'fi',
  ];
}

/**
 * Before the loader starts, its group is reset: to the restored backup's start less the margin (the
 * overlap is overwritten by identical points), or to the topic's start without a backup, so a node
 * replacing another never resumes at the old node's offsets past what it holds.
 */
function resetGroupLines(s: InfluxNodeSettings): string[] {
  return [
    'dnf install -y python3-pip',
    `cat > ${RESET_GROUP_LIB}.requirements <<'REQ'`,
    RESET_GROUP_REQUIREMENTS.trimEnd(),
    'REQ',
    `python3 -m pip install ${resetGroupPipArgs(`${RESET_GROUP_LIB}.requirements`, RESET_GROUP_LIB).join(' ')}`,
    `cat > ${RESET_GROUP_PATH} <<'PY'`,
    RESET_GROUP_PY.trimEnd(),
    'PY',
    `chmod +x ${RESET_GROUP_PATH}`,
    'if [ -n "$restored" ]; then',
    `  reset_ms=$(( ($(date -u -d "$(sed -E 's/^(....)(..)(..)T(..)(..)(..)Z$/\\1-\\2-\\3 \\4:\\5:\\6Z/' <<<"$restored")" +%s) - ${s.resetMarginSeconds}) * 1000 ))`,
    'else',
    '  reset_ms=0',
    'fi',
    `PYTHONPATH=${RESET_GROUP_LIB} ${RESET_GROUP_PATH} --brokers "$MSK_BOOTSTRAP_BROKERS" --topic ${s.loader.topic} --group ${s.loader.consumerGroup} --to-ms "$reset_ms" --msk-iam-region ${s.region}`,
  ];
}
