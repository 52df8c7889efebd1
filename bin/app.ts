#!/usr/bin/env node
/**
 * The CDK app: one stage per environment of lib/capacity-config.ts, each with the stacks
 * MetricStream-<env>-{Network,Kafka,Influx,Flink,Ingest,Monitoring}. An invalid capacity config
 * stops synthesis with the field and the rule it breaks; cdk-nag (AwsSolutions) fails it on any
 * unacknowledged finding.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CAPACITY_CONFIGS } from '../lib/capacity-config';
import { MetricStreamStage } from '../lib/metricstream-stage';

const app = new App();
for (const config of Object.values(CAPACITY_CONFIGS)) {
  new MetricStreamStage(app, `MetricStream-${config.environment}`, {
    env: { account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
    config,
  });
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
