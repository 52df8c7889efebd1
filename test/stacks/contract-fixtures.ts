/** The contract fixtures of one environment, as `npm run contracts:write` writes them. */
import { join } from 'node:path';
import type { CapacityConfig } from '../../lib/config/schema';
import { flinkPropertyGroups, ingestEnvironment, type TemplateJson } from '../../lib/contracts';
import { synthesizeStage } from './synth';

export const CONTRACTS_DIR = join(__dirname, '..', 'fixtures', 'contracts');

/** File name -> content (pretty JSON with a trailing newline). */
export function contractFixtures(config: CapacityConfig): Record<string, string> {
  const { templates, stage } = synthesizeStage(config);
  const context = { environment: config.environment, region: config.region, brokers: stage.plan.kafka.brokers };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    [`${config.environment}-flink-properties.json`]: json(flinkPropertyGroups(templates.Flink.toJSON() as TemplateJson, context)),
    [`${config.environment}-ingest-env.json`]: json(ingestEnvironment(templates.Ingest.toJSON() as TemplateJson, context)),
  };
}
