import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { IngestLifecyclePlan } from '../plan/ingest';
import { AGENT_DISK_PATHS } from '../plan/observability';
import { cloudWatchAgentConfig } from './cloudwatch-agent';
import { AL2023_NODE } from './node-runtime';
import { imdsFunction } from './imds';

export interface IngestNodeSettings {
  readonly environment: string;
  readonly region: string;
  readonly bundle: s3assets.Asset;
  /** Port the service listens on (its /health, /live and /metrics too). */
  readonly port: number;
  /** Environment of the ingest service (docs/ingest.md). */
  readonly serviceEnvironment: Readonly<Record<string, string>>;
  readonly lifecycle: IngestLifecyclePlan;
  /** Name of the ASG's termination lifecycle hook the host completes after draining. */
  readonly terminationHookName: string;
}

/** Where the bundle is unpacked on the host. */
const INSTALL_DIR = '/opt/metricstream-ingest';

/**
 * Boot script of an ingest instance (Amazon Linux 2023): install Node.js (.node-version), fetch the bundled
 * service (a CDK asset, so a new bundle means a new launch template version and an instance
 * refresh), run it under systemd with SIGTERM for a graceful drain, and only once its /health is
 * ready end the script, whose exit trap (the caller's addSignalOnExitCommand) sends cfn-signal with
 * the script's exit status: a boot that fails or never gets ready signals failure.
 *
 * Then two host-side helpers run: a liveness watchdog that marks the instance Unhealthy in its ASG
 * when /live stops answering (the service is dead, not merely unready: a full spool keeps /health at
 * 503 but must not get the instance and its spool replaced), and a lifecycle poller that, once the
 * ASG targets Terminated, waits for the spool to reach Kafka, stops the service and completes the
 * termination hook instead of letting it wait out its heartbeat.
 */
export function ingestNodeUserData(s: IngestNodeSettings): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  const l = s.lifecycle;
  const local = `http://127.0.0.1:${s.port}`;
  // cfn-signal (the exit trap's) first, so that even a failing install signals.
  userData.addCommands('set -euo pipefail', 'dnf install -y aws-cfn-bootstrap');
  userData.addCommands(`dnf install -y ${AL2023_NODE.package} unzip amazon-cloudwatch-agent`);
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
    `ExecStart=${AL2023_NODE.binary} ${INSTALL_DIR}/ingest.js`,
    // SIGTERM: stop accepting, fail /health, drain, flush; the ALB has stopped routing by then.
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${l.stopTimeoutSeconds}`,
    'Restart=always',
    `RestartSec=${l.serviceRestartSeconds}`,
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
    // Liveness: only a dead service gets the instance replaced (the ASG itself uses EC2 checks only).
    "cat > /usr/local/bin/metricstream-liveness <<'SH'",
    '#!/usr/bin/env bash',
    'set -uo pipefail',
    imdsFunction(),
    'fails=0',
    `while sleep ${l.livenessIntervalSeconds}; do`,
    // Any HTTP answer means the server serves (000: refused or timed out); /live itself answers 200.
    `  if [ "$(curl -s -m ${l.healthCheckTimeoutSeconds} -o /dev/null -w '%{http_code}' ${local}/live)" != 000 ]; then fails=0; continue; fi`,
    '  fails=$((fails + 1))',
    `  if [ "$fails" -ge ${l.livenessFailures} ]; then`,
    `    aws autoscaling set-instance-health --region ${s.region} --instance-id "$(imds instance-id)" --health-status Unhealthy && exit 0`,
    '  fi',
    'done',
    'SH',
    // Termination: drain the spool, stop (SIGTERM: /health 503, drain, flush), complete the hook.
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/retrieving-target-lifecycle-state-through-imds.html
    "cat > /usr/local/bin/metricstream-lifecycle <<'SH'",
    '#!/usr/bin/env bash',
    'set -uo pipefail',
    imdsFunction(),
    `until [ "$(imds autoscaling/target-lifecycle-state)" = Terminated ]; do sleep ${l.lifecyclePollSeconds}; done`,
    'systemctl stop metricstream-liveness',
    'id=$(imds instance-id)',
    `asg=$(aws autoscaling describe-auto-scaling-instances --region ${s.region} --instance-ids "$id" --query 'AutoScalingInstances[0].AutoScalingGroupName' --output text)`,
    `hook=(--region ${s.region} --auto-scaling-group-name "$asg" --lifecycle-hook-name ${s.terminationHookName} --instance-id "$id")`,
    `deadline=$((SECONDS + ${l.spoolDrainTimeoutSeconds}))`,
    `beat=$((SECONDS + ${l.terminationHeartbeatIntervalSeconds}))`,
    // True while the spool holds bytes. Without an answer from /metrics it is unknown: wait while
    // systemd runs or restarts the service (it drains when back); a stopped or failed one cannot.
    'spooled() {',
    `  if m=$(curl -sf -m ${l.healthCheckTimeoutSeconds} ${local}/metrics); then awk '$1 == "ingest_spool_bytes" { b += $2 } END { exit !(b > 0) }' <<<"$m"`,
    '  else case "$(systemctl show -p ActiveState --value metricstream-ingest)" in active | activating | reloading) true ;; *) false ;; esac; fi',
    '}',
    // Held in Terminating:Wait while the spool holds acknowledged points (a Kafka outage): the
    // volume that holds them is deleted with the instance.
    'while spooled && [ "$SECONDS" -lt "$deadline" ]; do',
    `  sleep ${l.lifecyclePollSeconds}`,
    `  if [ "$SECONDS" -ge "$beat" ]; then aws autoscaling record-lifecycle-action-heartbeat "\${hook[@]}"; beat=$((SECONDS + ${l.terminationHeartbeatIntervalSeconds})); fi`,
    'done',
    'spooled && logger -t metricstream-lifecycle "spool not drained within the termination hook\'s global timeout: the spooled points are lost with this instance"',
    'systemctl stop metricstream-ingest',
    'aws autoscaling complete-lifecycle-action "${hook[@]}" --lifecycle-action-result CONTINUE',
    'SH',
    'chmod +x /usr/local/bin/metricstream-liveness /usr/local/bin/metricstream-lifecycle',
    ...['liveness', 'lifecycle'].flatMap((name) => [
      `cat > /etc/systemd/system/metricstream-${name}.service <<'UNIT'`,
      '[Unit]',
      `Description=MetricStream ingest ${name === 'liveness' ? 'liveness watchdog' : 'termination drain'}`,
      'After=metricstream-ingest.service',
      '[Service]',
      `ExecStart=/usr/local/bin/metricstream-${name}`,
      name === 'liveness' ? 'Restart=on-failure' : 'Restart=no',
      '[Install]',
      'WantedBy=multi-user.target',
      'UNIT',
    ]),
    'systemctl daemon-reload',
    // Ready gate: the script (and so cfn-signal) succeeds only once /health answers 200.
    `timeout ${l.readinessTimeoutSeconds} bash -c 'until curl -sf -m ${l.healthCheckTimeoutSeconds} -o /dev/null ${local}/health; do sleep ${l.readinessPollSeconds}; done'`,
    'systemctl enable --now metricstream-liveness metricstream-lifecycle',
  );
  return userData;
}
