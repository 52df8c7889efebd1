// The Flink application's start resource (lib/flink-stack.ts), run by the CDK custom resource
// provider framework: onEvent starts the application when it is READY (a new application, or one an
// update or a failure left stopped); isComplete is polled until it is RUNNING, and fails the deploy
// if it falls back to READY or an update rolled back. Node.js runtime, AWS SDK v3 as Lambda ships it.
'use strict';

/** Seconds after a start request during which READY still means "not started yet". */
const START_GRACE_SECONDS = 90;
const RUNNING = ['RUNNING', 'AUTOSCALING'];
const FAILED = ['READY', 'ROLLED_BACK', 'DELETING', 'FORCE_STOPPING'];

/** The handlers over a client with `describe(name)` and `start(name)` (tests pass their own). */
function handlers(client, now = () => Date.now()) {
  return {
    async onEvent(event) {
      const name = event.ResourceProperties.ApplicationName;
      const result = { PhysicalResourceId: `${name}-start`, Data: { StartedAt: String(now()) } };
      if (event.RequestType === 'Delete') return result;
      const status = await client.describe(name);
      if (status === 'READY') await client.start(name);
      return result;
    },
    async isComplete(event) {
      if (event.RequestType === 'Delete') return { IsComplete: true };
      const name = event.ResourceProperties.ApplicationName;
      const status = await client.describe(name);
      if (RUNNING.includes(status)) return { IsComplete: true };
      const startedAt = Number(event.Data?.StartedAt ?? 0);
      if (FAILED.includes(status) && now() - startedAt > START_GRACE_SECONDS * 1000) {
        throw new Error(`Flink application ${name} is ${status}, not RUNNING: it failed to start (see its CloudWatch log stream)`);
      }
      return { IsComplete: false };
    },
  };
}

function sdkClient() {
  const sdk = require('@aws-sdk/client-kinesis-analytics-v2');
  const kda = new sdk.KinesisAnalyticsV2Client({});
  return {
    async describe(name) {
      const out = await kda.send(new sdk.DescribeApplicationCommand({ ApplicationName: name }));
      return out.ApplicationDetail.ApplicationStatus;
    },
    async start(name) {
      await kda.send(
        new sdk.StartApplicationCommand({
          ApplicationName: name,
          RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' } },
        }),
      );
    },
  };
}

let live;
exports.handlers = handlers;
exports.onEvent = (event) => (live ??= handlers(sdkClient())).onEvent(event);
exports.isComplete = (event) => (live ??= handlers(sdkClient())).isComplete(event);
