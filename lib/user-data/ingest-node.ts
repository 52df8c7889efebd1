import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { AGENT_DISK_PATHS } from '../plan/observability';
import { cloudWatchAgentConfig } from './cloudwatch-agent';

export interface IngestNodeSettings {
  readonly environment: string;
  readonly bundle: s3assets.Asset;
  /** Environment of the ingest service (docs/ingest.md). */
  readonly serviceEnvironment: Readonly<Record<string, string>>;
}

/** Where the bundle is unpacked on the host. */
const INSTALL_DIR = '/opt/metricstream-ingest';

/**
 * Boot script of an ingest instance (Amazon Linux 2023): install Node.js 20, fetch the bundled
 * service (a CDK asset, so a new bundle means a new launch template version and an instance
 * refresh), and run it under systemd with SIGTERM for a graceful drain.
 */
export function ingestNodeUserData(s: IngestNodeSettings): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands('set -euo pipefail', 'dnf install -y nodejs20 unzip amazon-cloudwatch-agent');
  const zip = userData.addS3DownloadCommand({ bucket: s.bundle.bucket, bucketKey: s.bundle.s3ObjectKey });
  const environment = Object.entries(s.serviceEnvironment).map(([k, v]) => `Environment=${k}=${v}`);
  userData.addCommands(
    `mkdir -p ${INSTALL_DIR} /var/lib/metricstream`,
    `unzip -o ${zip} -d ${INSTALL_DIR}`,
    'useradd --system --home-dir /var/lib/metricstream metricstream || true',
    'chown -R metricstream:metricstream /var/lib/metricstream',
    "cat > /etc/systemd/system/metricstream-ingest.service <<'UNIT'",
    '[Unit]',
    'Description=MetricStream ingest service',
    'After=network-online.target',
    'Wants=network-online.target',
    '[Service]',
    'User=metricstream',
    ...environment,
    `ExecStart=/usr/bin/node-20 ${INSTALL_DIR}/ingest.js`,
    // SIGTERM: stop accepting, fail /health, drain, flush; the ALB has stopped routing by then.
    'KillSignal=SIGTERM',
    'TimeoutStopSec=90',
    'Restart=always',
    'RestartSec=2',
    'LimitNOFILE=1048576',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    'systemctl enable --now metricstream-ingest',
    "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'CWA'",
    cloudWatchAgentConfig(s.environment, 'ingest', AGENT_DISK_PATHS.ingest),
    'CWA',
    'systemctl enable --now amazon-cloudwatch-agent',
  );
  return userData;
}
