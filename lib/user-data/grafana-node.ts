import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { AGENT_DISK_PATHS } from '../plan/observability';
import { cloudWatchAgentConfig } from './cloudwatch-agent';

/**
 * Grafana Labs' package signing key (https://rpm.grafana.com/gpg.key, the same key as apt.grafana.com's):
 * the boot refuses a key file whose fingerprints do not include this one. A rotation is a reviewed change here.
 */
export const GRAFANA_KEY = {
  url: 'https://rpm.grafana.com/gpg.key',
  fingerprint: 'B53AE77BADB630A683046005963FA27710458545',
} as const;

/** The Grafana OSS release the hosts install (the rpm's version); a bump replaces the host. */
export const GRAFANA_VERSION = '12.3.0';

const KEY_FILE = '/etc/pki/rpm-gpg/RPM-GPG-KEY-grafana';
/** Where the provisioning asset's dashboards land; grafana/provisioning/dashboards/*.yaml points here. */
export const GRAFANA_DASHBOARDS_DIR = '/var/lib/grafana/dashboards';
/** The RDS CA bundle, so Grafana verifies its database's certificate (sslmode verify-full). */
const RDS_CA_FILE = '/etc/grafana/rds-ca.pem';

export interface GrafanaNodeSettings {
  readonly environment: string;
  readonly region: string;
  readonly port: number;
  /** The repository's grafana/ directory (provisioning/ and dashboards/), a CDK asset. */
  readonly provisioning: s3assets.Asset;
  readonly adminSecretArn: string;
  readonly databaseSecretArn: string;
  /** Where the InfluxQL datasource reads, and with which user (JSON secret with username and password). */
  readonly influx: { readonly url: string; readonly database: string; readonly readerSecretArn: string };
  /** `https://<domain>/` or, with plain HTTP, empty (Grafana derives it from the request). */
  readonly rootUrl: string;
  readonly readinessTimeoutSeconds: number;
  readonly readinessPollSeconds: number;
}

/**
 * Boot script of the Grafana server (Amazon Linux 2023): install the pinned Grafana OSS from Grafana's
 * rpm repository with its signing key's fingerprint checked (dnf then checks every package and the
 * repository metadata against it), read the admin, database and InfluxDB reader credentials from
 * Secrets Manager into the service's environment file, unpack the provisioning asset, start Grafana
 * and end the script once /api/health reports the database ok. The caller adds the exit trap
 * (addSignalOnExitCommand) that sends cfn-signal with the exit status, so any failed step (a wrong
 * key, an unreachable database) signals failure.
 */
export function grafanaNodeUserData(s: GrafanaNodeSettings): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  const secret = (arn: string) => `aws secretsmanager get-secret-value --region ${s.region} --secret-id '${arn}' --query SecretString --output text`;
  userData.addCommands(
    'set -euo pipefail',
    'dnf install -y aws-cfn-bootstrap jq unzip',
    `curl -sfL -o /tmp/grafana.key ${GRAFANA_KEY.url}`,
    `gpg --show-keys --with-colons /tmp/grafana.key | awk -F: '$1 == "fpr" {print $10}' | grep -qx ${GRAFANA_KEY.fingerprint}`,
    `install -m 0644 /tmp/grafana.key ${KEY_FILE}`,
    "cat > /etc/yum.repos.d/grafana.repo <<'REPO'",
    '[grafana]',
    'name = Grafana OSS',
    'baseurl = https://rpm.grafana.com',
    'enabled = 1',
    'gpgcheck = 1',
    'repo_gpgcheck = 1',
    'sslverify = 1',
    `gpgkey = file://${KEY_FILE}`,
    'REPO',
    `dnf install -y grafana-${GRAFANA_VERSION} amazon-cloudwatch-agent`,
    // Memory and disk use for the Monitoring stack's Grafana alarms (the agent translates this JSON at start).
    "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'CWA'",
    cloudWatchAgentConfig(s.environment, 'grafana', AGENT_DISK_PATHS.grafana),
    'CWA',
    'systemctl enable --now amazon-cloudwatch-agent',
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html (certificate bundles by region)
    `curl -sfL -o ${RDS_CA_FILE} https://truststore.pki.rds.amazonaws.com/${s.region}/${s.region}-bundle.pem`,
    `chmod 0644 ${RDS_CA_FILE}`,
    `admin=$(${secret(s.adminSecretArn)})`,
    `db=$(${secret(s.databaseSecretArn)})`,
    `reader=$(${secret(s.influx.readerSecretArn)})`,
    // Generated passwords hold letters and digits only, so they are safe in a systemd EnvironmentFile.
    'umask 027',
    "{",
    `  echo "GF_SERVER_HTTP_PORT=${s.port}"`,
    ...(s.rootUrl ? [`  echo "GF_SERVER_ROOT_URL=${s.rootUrl}"`] : []),
    '  echo "GF_SECURITY_ADMIN_USER=$(jq -r .username <<<"$admin")"',
    '  echo "GF_SECURITY_ADMIN_PASSWORD=$(jq -r .password <<<"$admin")"',
    '  echo "GF_SECURITY_COOKIE_SECURE=' + (s.rootUrl ? 'true' : 'false') + '"',
    '  echo "GF_USERS_ALLOW_SIGN_UP=false"',
    '  echo "GF_ANALYTICS_REPORTING_ENABLED=false"',
    '  echo "GF_ANALYTICS_CHECK_FOR_UPDATES=false"',
    '  echo "GF_DATABASE_TYPE=postgres"',
    '  echo "GF_DATABASE_HOST=$(jq -r .host <<<"$db"):$(jq -r .port <<<"$db")"',
    '  echo "GF_DATABASE_NAME=$(jq -r .dbname <<<"$db")"',
    '  echo "GF_DATABASE_USER=$(jq -r .username <<<"$db")"',
    '  echo "GF_DATABASE_PASSWORD=$(jq -r .password <<<"$db")"',
    '  echo "GF_DATABASE_SSL_MODE=verify-full"',
    `  echo "GF_DATABASE_CA_CERT_PATH=${RDS_CA_FILE}"`,
    // Read by grafana/provisioning/datasources/influxdb.yaml ($VAR substitution at provisioning).
    `  echo "METRICSTREAM_INFLUX_URL=${s.influx.url}"`,
    `  echo "METRICSTREAM_INFLUX_DATABASE=${s.influx.database}"`,
    '  echo "METRICSTREAM_INFLUX_READER_USER=$(jq -r .username <<<"$reader")"',
    '  echo "METRICSTREAM_INFLUX_READER_PASSWORD=$(jq -r .password <<<"$reader")"',
    `  echo "METRICSTREAM_DASHBOARDS_DIR=${GRAFANA_DASHBOARDS_DIR}"`,
    '} >> /etc/sysconfig/grafana-server',
    'chgrp grafana /etc/sysconfig/grafana-server',
    'umask 022',
    `aws s3 cp --region ${s.region} 's3://${s.provisioning.s3BucketName}/${s.provisioning.s3ObjectKey}' /tmp/grafana-provisioning.zip`,
    'rm -rf /tmp/grafana-provisioning && unzip -q /tmp/grafana-provisioning.zip -d /tmp/grafana-provisioning',
    'cp -r /tmp/grafana-provisioning/provisioning/. /etc/grafana/provisioning/',
    `mkdir -p ${GRAFANA_DASHBOARDS_DIR} && cp -r /tmp/grafana-provisioning/dashboards/. ${GRAFANA_DASHBOARDS_DIR}/`,
    `chown -R root:grafana /etc/grafana/provisioning ${GRAFANA_DASHBOARDS_DIR} && chmod -R g+rX,o-rwx /etc/grafana/provisioning ${GRAFANA_DASHBOARDS_DIR}`,
    'systemctl daemon-reload',
    'systemctl enable --now grafana-server',
    // /api/health answers 200 with "database": "ok" once Grafana has migrated and reached PostgreSQL.
    `timeout ${s.readinessTimeoutSeconds} bash -c 'until curl -sf http://127.0.0.1:${s.port}/api/health | jq -e ".database == \\"ok\\"" >/dev/null; do sleep ${s.readinessPollSeconds}; done'`,
  );
  return userData;
}
