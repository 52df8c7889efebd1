/**
 * Golden figures per environment: the counts the stacks will deploy and the monthly cost they will
 * bill. A change to the config, a sizing rule or a price shows up here as a snapshot diff to review.
 */
import { ENVIRONMENT_NAMES, capacityConfigFor } from '../lib/capacity-config';
import { planCapacity } from '../lib/plan';
import { costPlan } from '../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../lib/pricing/price-catalog';

const cents = (usd: number) => Math.round(usd * 100) / 100;

describe.each(ENVIRONMENT_NAMES)('%s', (env) => {
  const plan = planCapacity(capacityConfigFor(env));
  const cost = costPlan(plan, loadPriceSnapshot(plan.region));

  test('instance counts', () => {
    expect({
      ingest: `${plan.ingest.minInstances}/${plan.ingest.desiredInstances}/${plan.ingest.maxInstances} x ${plan.ingest.instanceType}`,
      kafka: `${plan.kafka.brokers} x ${plan.kafka.brokerInstanceType}, ${plan.kafka.storagePerBrokerGiB} GiB each, ${plan.kafka.partitions} partitions, RF ${plan.kafka.replicationFactor}`,
      flink: `parallelism ${plan.flink.parallelism}, ${plan.flink.parallelismPerKpu} per KPU, ${plan.flink.billedKpus} KPUs billed`,
      influx: `${plan.influx.nodeCount} x ${plan.influx.instanceType} (${plan.influx.shards} shard x RF ${plan.influx.replicationFactor})`,
      albLcus: Number(plan.loadBalancer.lcus.toFixed(3)),
    }).toMatchSnapshot();
  });

  test('monthly cost', () => {
    expect({
      lines: cost.lines.map((l) => `${l.tier} | ${l.resource} | ${l.type} | ${Number(l.count.toFixed(3))} x ${l.unitPriceUsd} ${l.unit} | $${cents(l.monthlyUsd)}`),
      totalMonthlyUsd: cents(cost.totalMonthlyUsd),
      costPerMillionMetricsUsd: Number(cost.costPerMillionMetricsUsd.toFixed(6)),
    }).toMatchSnapshot();
  });
});
