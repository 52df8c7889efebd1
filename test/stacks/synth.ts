/**
 * Synthesizes one environment's stage the way bin/app.ts does (the same cdk-nag packs attached, so
 * an unacknowledged finding fails here too), with stand-in assets so template tests need no build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CapacityConfig } from '../../lib/config/schema';
import { MetricStreamStage } from '../../lib/metricstream-stage';
import { addNagPacks } from '../../lib/nag';
import type { SynthesizedStack } from '../../lib/pricing/template-items';

export const FIXTURE_ASSETS = {
  ingestBundleDir: join(__dirname, '..', 'fixtures', 'assets', 'ingest'),
  flinkJar: join(__dirname, '..', 'fixtures', 'assets', 'metricstream-flink-job.jar'),
};

export const TIER_STACKS = ['Network', 'Kafka', 'Influx', 'Flink', 'Ingest', 'Monitoring', 'Grafana'] as const;
export type TierStack = (typeof TIER_STACKS)[number];

export interface SynthesizedStage {
  readonly stage: MetricStreamStage;
  readonly templates: Record<TierStack, Template>;
  readonly stacks: SynthesizedStack[];
  /** Directory of the stage's cloud assembly (templates as files, for cfn-lint). */
  readonly assemblyDir: string;
}

/** The feature flags of cdk.json, so tests synthesize what `cdk synth` does. */
const CDK_CONTEXT = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export function synthesizeStage(config: CapacityConfig, outdir?: string): SynthesizedStage {
  const app = new App({ outdir, context: CDK_CONTEXT });
  const stage = new MetricStreamStage(app, `MetricStream-${config.environment}`, {
    env: { account: '123456789012', region: config.region },
    config,
    assets: FIXTURE_ASSETS,
  });
  addNagPacks(app);
  const assembly = app.synth().getNestedAssembly(stage.artifactId);
  const templates = {} as Record<TierStack, Template>;
  const stacks: SynthesizedStack[] = [];
  for (const tier of TIER_STACKS) {
    const artifact = assembly.getStackByName(`MetricStream-${config.environment}-${tier}`);
    templates[tier] = Template.fromJSON(artifact.template);
    stacks.push({ stackName: artifact.stackName, template: artifact.template });
  }
  return { stage, templates, stacks, assemblyDir: assembly.directory };
}

/** A template with asset hashes replaced, so snapshots do not change when a service is rebuilt. */
export function maskAssetHashes(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}
