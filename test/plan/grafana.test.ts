/** Grafana in the plan and the bill (issue 15): config rules, the plan's sizes, the cost lines, --compare. */
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { isPrivateCidr, rdsBilledBackupGiB } from '../../lib/plan/grafana';
import { compareAlternatives } from '../../lib/pricing/alternatives';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import { configWith } from '../helpers';

const prices = loadPriceSnapshot('us-east-1');
const usd = (key: string) => prices.prices[key].usd;

describe('invalid Grafana settings fail naming the field and the rule', () => {
  test.each<[string, Parameters<typeof configWith>[1], RegExp]>([
    ['unknown instance type', { grafana: { instanceType: 't9.huge' } }, /"prod": grafana\.instanceType \("t9\.huge"\) is not a known EC2 instance type/],
    ['two servers', { grafana: { instances: 2 } }, /grafana\.instances \(2\) must be 1: Grafana OSS servers sharing one database also need alerting HA clustering/],
    ['root volume below the AMI', { grafana: { rootVolumeGiB: 4 } }, /grafana\.rootVolumeGiB \(4\) must be a whole number of GiB, at least 8/],
    ['unknown database class', { grafana: { database: { instanceClass: 'db.x9.small' } } }, /grafana\.database\.instanceClass \("db\.x9\.small"\) is not a known RDS instance class: expected one of db\.t3\.small, db\.t3\.medium/],
    ['storage below the RDS minimum', { grafana: { database: { storageGiB: 10 } } }, /grafana\.database\.storageGiB \(10\) must be a whole number from 20 to 65536 GiB/],
    ['backups off', { grafana: { database: { backupRetentionDays: 0 } } }, /grafana\.database\.backupRetentionDays \(0\) must be a whole number of days from 1 to 35/],
    ['backups beyond 35 days', { grafana: { database: { backupRetentionDays: 36 } } }, /grafana\.database\.backupRetentionDays \(36\) must be a whole number of days from 1 to 35/],
    ['unprotected database in a protected environment', { grafana: { database: { deletionProtection: false } } }, /grafana\.database\.deletionProtection must be true when access\.protectFromDeletion is/],
    ['no editor', { grafana: { managedAlternative: { editors: 0 } } }, /grafana\.managedAlternative\.editors \(0\) must be a positive integer/],
    ['negative viewers', { grafana: { managedAlternative: { viewers: -1 } } }, /grafana\.managedAlternative\.viewers \(-1\) must not be negative/],
  ])('%s', (_name, overrides, message) => {
    expect(() => planCapacity(configWith('prod', overrides))).toThrow(message);
  });
});

describe("the plan carries the config's Grafana sizes", () => {
  test('prod: one t3.medium, a Multi-AZ db.t3.small with deletion protection, as the reference has it', () => {
    const { grafana } = planCapacity(CAPACITY_CONFIGS.prod);
    expect(grafana).toMatchObject({ instanceType: 't3.medium', instances: 1, rootVolumeGiB: 20 });
    expect(grafana.database).toMatchObject({ instanceClass: 'db.t3.small', engine: 'postgres', storageGiB: 20, storageType: 'gp3', multiAz: true, deletionProtection: true, backupRetentionDays: 14 });
  });

  test('dev: a Single-AZ database without deletion protection', () => {
    expect(planCapacity(CAPACITY_CONFIGS.dev).grafana.database).toMatchObject({ multiAz: false, deletionProtection: false });
  });

  test('the ALB is internal when every operator CIDR is private, internet-facing otherwise', () => {
    expect(planCapacity(CAPACITY_CONFIGS.dev).grafana.loadBalancer.internetFacing).toBe(false); // 10.0.0.0/8
    expect(planCapacity(CAPACITY_CONFIGS.prod).grafana.loadBalancer.internetFacing).toBe(true); // 192.0.2.0/24
    expect(planCapacity(configWith('dev', { access: { operatorCidrs: ['10.0.0.0/8', '203.0.113.7/32'] } })).grafana.loadBalancer.internetFacing).toBe(true);
    expect(['10.1.0.0/16', '172.16.0.0/12', '172.31.9.0/24', '192.168.1.0/24'].map(isPrivateCidr)).toEqual([true, true, true, true]);
    expect(['172.32.0.0/16', '192.169.0.0/16', '0.0.0.0/0', '172.0.0.0/8'].map(isPrivateCidr)).toEqual([false, false, false, false]);
  });

  test('backup storage is billed only beyond the provisioned storage', () => {
    expect(rdsBilledBackupGiB(20, 14)).toBe(0);
    // 1 GiB x (1 + 35 x 10 %) = 4.5 GiB kept, against 2 GiB free... (below RDS's minimum, to show the rule)
    expect(rdsBilledBackupGiB(2, 35)).toBeCloseTo(2.5, 9);
  });
});

describe('Grafana in the bill', () => {
  const plan = planCapacity(CAPACITY_CONFIGS.prod);
  const lines = costPlan(plan, prices).lines.filter((l) => l.tier === 'grafana');
  const line = (resource: string) => lines.find((l) => l.resource === resource)!;

  test('each resource is a line priced from the snapshot', () => {
    expect(line('EC2 instances')).toMatchObject({ type: 't3.medium', count: 1, monthlyUsd: 730 * usd('ec2/t3.medium/on-demand') });
    expect(line('EBS volumes').monthlyUsd).toBeCloseTo(20 * usd('ebs/gp3/storage'), 9);
    expect(line('RDS instances')).toMatchObject({ type: 'db.t3.small Multi-AZ', monthlyUsd: 730 * usd('rds/db.t3.small/postgres/multi-az') });
    expect(line('RDS storage').monthlyUsd).toBeCloseTo(20 * usd('rds/gp3/storage/multi-az'), 9);
    expect(line('RDS backup storage').monthlyUsd).toBe(0);
    expect(line('load balancer').monthlyUsd).toBeCloseTo(730 * usd('alb/hour'), 9);
    expect(line('public IPv4 addresses')).toMatchObject({ count: 3 });
    expect(line('Secrets Manager secrets')).toMatchObject({ count: 2 });
    expect(line('KMS keys')).toMatchObject({ count: 1 });
    expect(line('load balancer capacity units').monthlyUsd).toBeGreaterThan(0);
  });

  test('Multi-AZ doubles the database hours and storage of Single-AZ', () => {
    const single = costPlan(planCapacity(configWith('prod', { grafana: { database: { multiAz: false } } })), prices).lines.filter((l) => l.tier === 'grafana');
    const of = (ls: typeof lines, r: string) => ls.find((l) => l.resource === r)!.monthlyUsd;
    expect(of(lines, 'RDS instances')).toBeCloseTo(2 * of(single, 'RDS instances'), 9);
    expect(of(lines, 'RDS storage')).toBeCloseTo(2 * of(single, 'RDS storage'), 9);
    expect(single.find((l) => l.resource === 'RDS instances')!.type).toBe('db.t3.small Single-AZ');
  });

  test('an internal ALB (private operator CIDRs) bills no public addresses', () => {
    const dev = costPlan(planCapacity(CAPACITY_CONFIGS.dev), prices).lines.filter((l) => l.tier === 'grafana');
    expect(dev.map((l) => l.resource)).not.toContain('public IPv4 addresses');
  });

  test('--compare: Amazon Managed Grafana replaces the tier with editors x $9 and viewers x $5', () => {
    const managed = compareAlternatives(CAPACITY_CONFIGS.prod, prices).alternatives.find((a) => a.name === 'Amazon Managed Grafana')!;
    const selfRun = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
    expect(usd('managed-grafana/editor')).toBe(9);
    expect(usd('managed-grafana/viewer')).toBe(5);
    expect(managed.deltaUsd).toBeCloseTo(5 * 9 + 25 * 5 - selfRun, 6);
    expect(managed.lines!.filter((l) => l.tier === 'grafana').map((l) => l.resource)).toEqual(['Amazon Managed Grafana editors', 'Amazon Managed Grafana viewers']);
    expect(managed.prices.map((p) => p.key).sort()).toEqual(['managed-grafana/editor', 'managed-grafana/viewer']);
  });
});
