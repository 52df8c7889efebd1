#!/usr/bin/env node
/**
 * The CDK app: one stage per environment of lib/capacity-config.ts, each with the stacks
 * MetricStream-<env>-{Network,Kafka,Influx,Flink,Ingest,Monitoring}. An invalid capacity config
 * stops synthesis with the field and the rule it breaks; cdk-nag (AwsSolutions and NIST 800-53
 * rev 5) fails it on any unacknowledged finding.
 */
import { App } from 'aws-cdk-lib';
import { CAPACITY_CONFIGS } from '../lib/capacity-config';
import { MetricStreamStage } from '../lib/metricstream-stage';
import { validateEnvironments } from '../lib/plan/deployment';
import { addNagPacks } from '../lib/nag';

validateEnvironments(Object.values(CAPACITY_CONFIGS));
const app = new App();
for (const config of Object.values(CAPACITY_CONFIGS)) {
  new MetricStreamStage(app, `MetricStream-${config.environment}`, {
    env: { account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
    config,
  });
}
addNagPacks(app);
app.synth();
