/**
 * Synthesis needs no AWS account even once an environment names its account: nothing in the stage
 * asks the CLI for a context lookup (AZ names, AMIs by lookup, VPCs), which would need credentials.
 */
import { App } from 'aws-cdk-lib';
import { ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { MetricStreamStage } from '../../lib/metricstream-stage';
import { configWith } from '../helpers';
import { FIXTURE_ASSETS } from './synth';

jest.setTimeout(120_000);

test.each(ENVIRONMENT_NAMES)('%s with its account set synthesizes without a context lookup', (env) => {
  const app = new App();
  const config = configWith(env, { account: '210987654321' });
  const stage = new MetricStreamStage(app, `MetricStream-${env}`, { env: { account: config.account, region: config.region }, config, assets: FIXTURE_ASSETS });
  const assembly = app.synth();
  const missing = [...(assembly.manifest.missing ?? []), ...(assembly.getNestedAssembly(stage.artifactId).manifest.missing ?? [])];
  expect(missing.map((m) => `${m.provider} ${m.key}`)).toEqual([]);
});
