import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { CapacityConfigError, planCapacity } from '../../lib/plan';
import { applyWhatIf } from '../../lib/plan/what-if';
import { configWith } from '../helpers';

const warningsOf = (config: Parameters<typeof planCapacity>[0]) => planCapacity(config).warnings;

describe('soft quotas the plan exceeds are warnings naming the field, the quota and how to raise it', () => {
  test('2,000,000 metrics/s: 216 KPUs over Managed Flink’s 64 per application, 72 brokers over MSK’s 60 per KRaft cluster', () => {
    const plan = planCapacity(applyWhatIf(CAPACITY_CONFIGS.prod, { metricsPerSecond: 2_000_000 }));
    expect(plan.flink.kpus).toBe(216);
    const flink = plan.warnings.find((w) => w.id === 'flinkKpusPerApplication');
    expect(flink).toMatchObject({ tier: 'flink', field: 'flink.parallelismPerKpu' });
    expect(flink?.message).toMatch(/the plan needs 216 KPUs, over the Managed Flink KPUs per application quota of 64 \(default\): request an increase in the Service Quotas console/);
    const brokers = plan.warnings.find((w) => w.id === 'mskBrokersPerCluster');
    expect(brokers).toMatchObject({ tier: 'kafka', field: 'kafka.brokerInstanceType' });
    expect(brokers?.message).toMatch(/the plan needs 72 brokers, over the MSK brokers per cluster quota of 60/);
    expect(plan.warnings.find((w) => w.id === 'mskBrokersPerAccount')).toBeUndefined();
  });

  test('prod today: within the Flink, MSK and ALB quotas, over a new account’s 5 On-Demand vCPUs', () => {
    const ids = warningsOf(CAPACITY_CONFIGS.prod).map((w) => w.id);
    // Flink only: the InfluxDB nodes load on their own now, so losing an AZ stops no write.
    expect(ids).toEqual(['static-stability', 'ec2OnDemandStandardVcpus']);
    const vcpus = warningsOf(CAPACITY_CONFIGS.prod).find((w) => w.id === 'ec2OnDemandStandardVcpus');
    // ASG max 20 x 8 + 3 InfluxDB nodes x 8 + Grafana's t3.medium x 2.
    expect(vcpus?.message).toMatch(/the plan needs 186 vCPUs \(ingest ASG max 20 x c6i\.2xlarge \+ 3 x i3\.2xlarge \+ 1 x t3\.medium\), over the EC2 Running On-Demand Standard instances \(vCPUs, L-1216C47A\) quota of 5 \(default\)/);
  });

  test('an account’s applied quota, stated in the config, is what the plan checks', () => {
    expect(warningsOf(configWith('prod', { serviceQuotas: { ec2OnDemandStandardVcpus: 186 } })).map((w) => w.id)).not.toContain('ec2OnDemandStandardVcpus');
    const low = warningsOf(configWith('prod', { serviceQuotas: { ec2OnDemandStandardVcpus: 185 } })).find((w) => w.id === 'ec2OnDemandStandardVcpus');
    expect(low?.message).toMatch(/quota of 185 \(stated in serviceQuotas\)/);
  });

  test('ALB targets: an ASG that may grow past 1,000 instances', () => {
    const plan = planCapacity(configWith('prod', { ingest: { instanceType: 'c6i.large', requestsPerSecondPerInstance: { value: 100 } } }));
    expect(plan.ingest.maxInstances).toBeGreaterThan(1_000);
    expect(plan.warnings.find((w) => w.id === 'albTargetsPerLoadBalancer')?.message).toMatch(/targets \(the ASG max\), over the targets per Application Load Balancer quota of 1,000/);
  });

  test('partition replicas over MSK’s recommendation (1,000 per kafka.m5.xlarge) warn; they are not enforced', () => {
    const plan = planCapacity(configWith('prod', { kafka: { partitions: 2_400 } }));
    expect(plan.kafka.partitionReplicasPerBroker).toBe(1_200);
    expect(plan.warnings.find((w) => w.id === 'msk-partitions-per-broker')).toMatchObject({ tier: 'kafka', field: 'kafka.partitions' });
  });
});

describe('hard limits fail the plan', () => {
  test('partition replicas over the 1,500 above which MSK refuses updates to a kafka.m5.xlarge cluster', () => {
    const config = configWith('prod', { kafka: { partitions: 3_200 } });
    expect(() => planCapacity(config)).toThrow(CapacityConfigError);
    expect(() => planCapacity(config)).toThrow(/kafka\.partitions \(3200\) puts 1600 partition replicas on each broker, over the 1500 above which MSK refuses configuration updates/);
  });

  test('more than 8 slots per KPU, Managed Flink’s maximum', () => {
    expect(() => planCapacity(configWith('prod', { flink: { parallelismPerKpu: 9 } }))).toThrow(
      /flink\.parallelismPerKpu \(9\) is over Managed Flink's maximum of 8 slots per KPU, a limit that cannot be raised/,
    );
  });

  test('an unknown or fractional quota in serviceQuotas', () => {
    expect(() => planCapacity(configWith('prod', { serviceQuotas: { lambdaConcurrency: 5 } as never }))).toThrow(/serviceQuotas\.lambdaConcurrency is not a quota the plan checks/);
    expect(() => planCapacity(configWith('prod', { serviceQuotas: { albTargetsPerLoadBalancer: 1.5 } }))).toThrow(/serviceQuotas\.albTargetsPerLoadBalancer \(1\.5\) must be a positive integer/);
  });
});
