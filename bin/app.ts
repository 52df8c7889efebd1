#!/usr/bin/env node
/**
 * The CDK app: one stage per environment of lib/capacity-config.ts. Each stage is planned first;
 * an invalid config stops synthesis with the field and the rule it breaks.
 */
import { App, Stage } from 'aws-cdk-lib';
import { CAPACITY_CONFIGS } from '../lib/capacity-config';
import { planCapacity } from '../lib/plan';

const app = new App();
for (const config of Object.values(CAPACITY_CONFIGS)) {
  const plan = planCapacity(config);
  new Stage(app, `MetricStream-${plan.environment}`, {
    env: { account: plan.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: plan.region },
  });
}
app.synth();
