/**
 * npm run plan -- --env prod [--json] [--metrics-per-second N] [--region R] [--pricing P] [--capacity measured]
 *                 [--metrics-per-request N] [--compression none|gzip] [--client-network internet|same-region|private] [--telegraf]
 *                 [--compare]   the plan beside Graviton, MSK Express, i4i, reserved and Savings Plans alternatives
 *
 * Plans and prices one environment (or `all`) from lib/capacity-config.ts and prints the table or
 * JSON. An invalid config or an unknown region/instance type exits 1 with a one-line reason.
 */
import { parseArgs } from 'node:util';
import { ENVIRONMENT_NAMES, capacityConfigFor } from '../lib/capacity-config';
import type { PricingModel } from '../lib/config/schema';
import { planCapacity } from '../lib/plan';
import { CLIENT_NETWORKS, REQUEST_COMPRESSIONS, type ClientNetwork, type RequestCompression } from '../lib/plan/transfer';
import { applyWhatIf, telegrafDefaults, type WhatIf } from '../lib/plan/what-if';
import { costPlan } from '../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../lib/pricing/price-catalog';
import { compareAlternatives } from '../lib/pricing/alternatives';
import { comparisonText } from '../lib/report/comparison';
import { planReportJson, planReportText } from '../lib/report/plan-report';

const PRICING_MODELS: readonly PricingModel[] = ['on-demand', 'reserved-1yr-no-upfront', 'compute-savings-plan-1yr-no-upfront'];
const USAGE = `usage: npm run plan -- --env <${ENVIRONMENT_NAMES.join('|')}|all> [--json] [--metrics-per-second N] [--region R] [--pricing ${PRICING_MODELS.join('|')}] [--capacity planned|measured] [--metrics-per-request N] [--compression ${REQUEST_COMPRESSIONS.join('|')}] [--client-network ${CLIENT_NETWORKS.join('|')}] [--telegraf] [--compare]`;

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string' },
      json: { type: 'boolean', default: false },
      'metrics-per-second': { type: 'string' },
      region: { type: 'string' },
      pricing: { type: 'string' },
      capacity: { type: 'string', default: 'planned' },
      'metrics-per-request': { type: 'string' },
      compression: { type: 'string' },
      'client-network': { type: 'string' },
      telegraf: { type: 'boolean', default: false },
      compare: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.env) throw new Error(`--env is required\n${USAGE}`);
  const pricing = values.pricing;
  if (pricing !== undefined && !(PRICING_MODELS as readonly string[]).includes(pricing)) {
    throw new Error(`--pricing "${pricing}" is not one of ${PRICING_MODELS.join(', ')}`);
  }
  if (values.capacity !== 'planned' && values.capacity !== 'measured') {
    throw new Error(`--capacity "${values.capacity}" is not one of planned, measured`);
  }
  const capacity = values.capacity;
  let metricsPerSecond: number | undefined;
  if (values['metrics-per-second'] !== undefined) {
    metricsPerSecond = Number(values['metrics-per-second']);
    if (!Number.isFinite(metricsPerSecond) || metricsPerSecond <= 0) {
      throw new Error(`--metrics-per-second "${values['metrics-per-second']}" must be a positive number`);
    }
  }

  let metricsPerRequest: number | undefined;
  if (values['metrics-per-request'] !== undefined) {
    metricsPerRequest = Number(values['metrics-per-request']);
    if (!Number.isInteger(metricsPerRequest) || metricsPerRequest < 1) {
      throw new Error(`--metrics-per-request "${values['metrics-per-request']}" must be a positive integer`);
    }
  }
  const oneOf = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined => {
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) throw new Error(`--${flag} "${value}" is not one of ${allowed.join(', ')}`);
    return value as T | undefined;
  };
  const compression = oneOf<RequestCompression>('compression', values.compression, REQUEST_COMPRESSIONS);
  const clientNetwork = oneOf<ClientNetwork>('client-network', values['client-network'], CLIENT_NETWORKS);

  const names = values.env === 'all' ? ENVIRONMENT_NAMES : [values.env];
  const configs = names.map((name) => {
    const base = capacityConfigFor(name);
    // --telegraf first, so explicit flags refine it.
    const preset: WhatIf = values.telegraf ? telegrafDefaults(base) : {};
    const config = applyWhatIf(base, {
      ...preset,
      metricsPerSecond,
      region: values.region,
      pricing: pricing as PricingModel | undefined,
      capacity,
      ...(metricsPerRequest !== undefined ? { metricsPerRequest } : {}),
      ...(compression !== undefined ? { compression } : {}),
      ...(clientNetwork !== undefined ? { clientNetwork } : {}),
    });
    return config;
  });

  if (values.compare) {
    const comparisons = configs.map((config) => ({ environment: config.environment, region: config.region, ...compareAlternatives(config, loadPriceSnapshot(planCapacity(config).region)) }));
    // JSON leaves out each alternative's lines: `npm run plan` with the matching flags prints them.
    if (values.json) console.log(JSON.stringify(values.env === 'all' ? comparisons : comparisons[0], (k, v) => (k === 'lines' ? undefined : v), 2));
    else console.log(comparisons.map((c) => comparisonText(c.environment, c.region, c.baseline, c.alternatives)).join('\n\n'));
    return;
  }
  const reports = configs.map((config) => {
    const plan = planCapacity(config);
    const prices = loadPriceSnapshot(plan.region);
    const cost = costPlan(plan, prices);
    const alternative = costPlan(plan, prices, cost.pricing === 'on-demand' ? 'reserved-1yr-no-upfront' : 'on-demand');
    return { plan, cost, alternative };
  });
  if (values.json) {
    const json = reports.map(({ plan, cost, alternative }) => planReportJson(plan, cost, alternative));
    console.log(JSON.stringify(values.env === 'all' ? json : json[0], null, 2));
  } else {
    console.log(reports.map(({ plan, cost, alternative }) => planReportText(plan, cost, alternative)).join('\n\n'));
  }
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`plan: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
