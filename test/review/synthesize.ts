/**
 * Synthesizes one environment into a directory the review CLIs read as a side (`--base-dir` /
 * `--head-dir`): the cloud assembly plus the plans file, as `synthesizeCheckout` writes them. An
 * optional edit runs on the stage before synthesis, for stack edits that bypass the plan. Uses the
 * stand-in assets of test/stacks/synth.ts; cdk-nag is left out (an edit may not be nag-clean).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CapacityConfig } from '../../lib/config/schema';
import { MetricStreamStage } from '../../lib/metricstream-stage';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import { planReportJson } from '../../lib/report/plan-report';
import { PLANS_FILE } from '../../lib/review/review-side';
import { FIXTURE_ASSETS } from '../stacks/synth';
import { readFileSync } from 'node:fs';

const CDK_CONTEXT = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export function synthesizeSide(config: CapacityConfig, edit?: (stage: MetricStreamStage) => void): string {
  const outdir = mkdtempSync(join(tmpdir(), `review-${config.environment}-`));
  const app = new App({ outdir, context: CDK_CONTEXT });
  const stage = new MetricStreamStage(app, `MetricStream-${config.environment}`, {
    env: { account: '123456789012', region: config.region },
    config,
    assets: FIXTURE_ASSETS,
  });
  edit?.(stage);
  app.synth();
  const cost = costPlan(stage.plan, loadPriceSnapshot(stage.plan.region));
  writeFileSync(join(outdir, PLANS_FILE), JSON.stringify([planReportJson(stage.plan, cost, cost)]));
  return outdir;
}
