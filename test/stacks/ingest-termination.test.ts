/**
 * The terminating ingest host's drain, run for real: the lifecycle script the user data writes is
 * executed by bash against stand-ins for the AWS CLI, IMDS (curl), systemd and the service's
 * /metrics, with the plan's timings shortened so each case takes seconds.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { ingestNodeUserData } from '../../lib/user-data/ingest-node';

const plan = planCapacity(CAPACITY_CONFIGS.prod);

function lifecycleScript(overrides: Partial<typeof plan.ingest.lifecycle>): string {
  const stack = new Stack(new App(), 'Termination', { env: { account: '111111111111', region: 'us-east-1' } });
  const userData = ingestNodeUserData({
    environment: 'prod',
    region: 'us-east-1',
    bundle: new s3assets.Asset(stack, 'Bundle', { path: __filename }),
    port: 8080,
    serviceEnvironment: {},
    lifecycle: { ...plan.ingest.lifecycle, ...overrides },
    terminationHookName: 'metricstream-drain',
  }).render();
  const start = userData.indexOf("cat > /usr/local/bin/metricstream-lifecycle <<'SH'\n");
  expect(start).toBeGreaterThan(0);
  const body = userData.slice(userData.indexOf('\n', start) + 1);
  return body.slice(0, body.indexOf('\nSH\n') + 1);
}

/**
 * Runs the script. `spool` is what successive /metrics reads answer: a byte count, or `down` (no
 * answer) while systemd reports `state` for the service.
 */
function drain(script: string, spool: readonly (number | 'down')[], state = 'activating'): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ms-termination-'));
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  mkdirSync(bin);
  writeFileSync(join(dir, 'spool'), spool.join('\n') + '\n');
  tool(
    'curl',
    [
      'url="${@: -1}"',
      'case "$url" in',
      '  */api/token) echo token ;;',
      '  */autoscaling/target-lifecycle-state) echo Terminated ;;',
      '  */instance-id) echo i-0123456789 ;;',
      // One answer per read; the last one repeats.
      `  */metrics) next=$(head -n 1 "${dir}/spool"); [ "$(wc -l < "${dir}/spool")" -gt 1 ] && sed -i 1d "${dir}/spool"`,
      '    [ "$next" = down ] && exit 7',
      // The cluster's summed gauge, as the service serves it (services/ingest/src/metrics.ts).
      '    printf \'# TYPE ingest_spool_bytes gauge\\ningest_spool_bytes %s\\n\' "$next" ;;',
      '  *) exit 22 ;;',
      'esac',
    ].join('\n'),
  );
  tool('aws', `echo "aws $*" >> "${log}"; [ "$2" = describe-auto-scaling-instances ] && echo metricstream-prod-ingest; true`);
  tool('systemctl', `if [ "$1" = show ]; then echo ${state}; else echo "systemctl $*" >> "${log}"; fi`);
  tool('logger', `echo "logger $*" >> "${log}"`);
  const result = spawnSync('bash', ['-c', script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8', timeout: 30_000 });
  expect(result.status).toBe(0);
  return readFileSync(log, 'utf8').trim().split('\n');
}

const quick = { spoolDrainTimeoutSeconds: 20, terminationHeartbeatIntervalSeconds: 1, lifecyclePollSeconds: 1 };
const heartbeat = 'aws autoscaling record-lifecycle-action-heartbeat --region us-east-1 --auto-scaling-group-name metricstream-prod-ingest --lifecycle-hook-name metricstream-drain --instance-id i-0123456789';
const complete = `${heartbeat.replace('record-lifecycle-action-heartbeat', 'complete-lifecycle-action')} --lifecycle-action-result CONTINUE`;
const without = (calls: string[], prefix: string) => calls.filter((c) => !c.startsWith(prefix));

test('a host holding spooled points through a Kafka outage keeps the hook alive with heartbeats, through a service restart, until the spool is empty', () => {
  const calls = drain(lifecycleScript(quick), [4096, 4096, 'down', 'down', 2048, 0]);
  const beats = calls.filter((c) => c === heartbeat).length;
  expect(beats).toBeGreaterThanOrEqual(3);
  expect(without(calls, 'aws autoscaling describe').filter((c) => c !== heartbeat)).toEqual([
    'systemctl stop metricstream-liveness',
    'systemctl stop metricstream-ingest',
    complete,
  ]);
});

test('an empty spool completes the hook at once, without a heartbeat', () => {
  const calls = drain(lifecycleScript(quick), [0]);
  expect(calls).not.toContain(heartbeat);
  expect(calls.slice(-2)).toEqual(['systemctl stop metricstream-ingest', complete]);
});

test('a spool that cannot drain before the hook’s global timeout is said in the journal, then the hook completes', () => {
  const calls = drain(lifecycleScript({ ...quick, spoolDrainTimeoutSeconds: 3 }), [4096]);
  expect(calls.filter((c) => c.startsWith('logger'))).toEqual([expect.stringMatching(/^logger -t metricstream-lifecycle spool not drained/)]);
  expect(calls.slice(-2)).toEqual(['systemctl stop metricstream-ingest', complete]);
});

test('a stopped service cannot drain: no wait', () => {
  const calls = drain(lifecycleScript(quick), ['down'], 'failed');
  expect(calls).not.toContain(heartbeat);
  expect(calls.slice(-2)).toEqual(['systemctl stop metricstream-ingest', complete]);
});

test('the plan holds the hook as long as AWS allows: 48 h, or 100 heartbeat timeouts', () => {
  const l = plan.ingest.lifecycle;
  expect(Math.min(48 * 3600, 100 * l.terminationHeartbeatSeconds)).toBe(48 * 3600);
  expect(l.spoolDrainTimeoutSeconds + l.stopTimeoutSeconds).toBeLessThan(48 * 3600);
  expect(l.terminationHeartbeatIntervalSeconds).toBeLessThan(l.terminationHeartbeatSeconds);
});
