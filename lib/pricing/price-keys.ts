/**
 * The names of the prices the cost model looks up. One key per billable unit, independent of
 * region; the snapshot holds one entry per key per region.
 */
import { EC2_INSTANCE_TYPES, MSK_BROKER_TYPES, RDS_INSTANCE_CLASSES } from '../catalog/instance-types';
import { MSK_EXPRESS_BROKER_TYPES } from '../plan/msk-express';

/** EC2 purchase options priced per instance hour; Compute Savings Plans' rates are per type too. */
export type Ec2Term = 'on-demand' | 'reserved-1yr-no-upfront' | 'compute-savings-plan-1yr-no-upfront';

export const priceKeys = {
  ec2Instance: (instanceType: string, term: Ec2Term) => `ec2/${instanceType}/${term}`,
  ebsGp3Storage: 'ebs/gp3/storage',
  mskBroker: (brokerType: string) => `msk/${brokerType}/broker`,
  mskStorage: 'msk/storage',
  mskExpressStorage: 'msk/express/storage',
  mskExpressDataIn: 'msk/express/data-in',
  flinkKpu: 'flink/kpu',
  flinkRunningStorage: 'flink/running-storage',
  albHour: 'alb/hour',
  albLcu: 'alb/lcu',
  nlbHour: 'nlb/hour',
  nlbNlcu: 'nlb/nlcu',
  s3Standard: 's3/standard',
  s3DeepArchive: 's3/deep-archive',
  interAzTransfer: 'transfer/inter-az',
  natGatewayHour: 'nat/hour',
  natProcessed: 'nat/processed',
  internetOut: (tier: InternetOutTier) => `transfer/internet-out/${tier}`,
  sameRegionPublicTransfer: 'transfer/same-region-public',
  vpcEndpointHour: 'vpce/hour',
  vpcEndpointProcessed: 'vpce/processed',
  publicIpv4Hour: 'ipv4/hour',
  kmsKey: 'kms/key',
  secret: 'secretsmanager/secret',
  cloudwatchAlarmMetric: 'cloudwatch/alarm-metric',
  cloudwatchDashboard: 'cloudwatch/dashboard',
  cloudwatchMetric: 'cloudwatch/metric',
  cloudwatchLogsIngestion: 'cloudwatch/logs-ingestion',
  cloudwatchLogsStorage: 'cloudwatch/logs-storage',
  // Grafana (issue 15): its RDS PostgreSQL database, and Amazon Managed Grafana for --compare.
  rdsInstance: (instanceClass: string, deployment: RdsDeployment) => `rds/${instanceClass}/postgres/${deployment}`,
  rdsGp3Storage: (deployment: RdsDeployment) => `rds/gp3/storage/${deployment}`,
  rdsBackupStorage: 'rds/backup-storage',
  managedGrafanaEditor: 'managed-grafana/editor',
  managedGrafanaViewer: 'managed-grafana/viewer',
} as const;

/** RDS prices a Multi-AZ deployment (primary and standby) as its own product. */
export type RdsDeployment = 'single-az' | 'multi-az';
export const RDS_DEPLOYMENTS: readonly RdsDeployment[] = ['single-az', 'multi-az'];

/**
 * Data transfer out to the internet is tiered per month and account: first 10 TB, next 40 TB, next
 * 100 TB, over 150 TB (price-list ranges in GB of 2^30 bytes).
 * @see https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer
 */
export const INTERNET_OUT_TIERS = [
  { tier: 'first-10tb', fromGB: 0, toGB: 10_240 },
  { tier: 'next-40tb', fromGB: 10_240, toGB: 51_200 },
  { tier: 'next-100tb', fromGB: 51_200, toGB: 153_600 },
  { tier: 'over-150tb', fromGB: 153_600, toGB: Infinity },
] as const;
export type InternetOutTier = (typeof INTERNET_OUT_TIERS)[number]['tier'];

/**
 * Compute Savings Plans rates are not products of the Price List Query API (GetProducts): AWS
 * publishes them in the ComputeSavingsPlans price-list files. The snapshot keeps them seeded by
 * hand, and a refresh carries them over.
 * @see https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_ListPriceLists.html
 */
export function seededOnlyPriceKeys(): string[] {
  return [...Object.keys(EC2_INSTANCE_TYPES).map((type) => priceKeys.ec2Instance(type, 'compute-savings-plan-1yr-no-upfront')), ...MANAGED_GRAFANA_PRICE_KEYS];
}

/**
 * Amazon Managed Grafana's per-user licences: seeded from its pricing page and carried over by a
 * refresh, because no query for them has been written and checked against its price-list products yet.
 */
const MANAGED_GRAFANA_PRICE_KEYS = [priceKeys.managedGrafanaEditor, priceKeys.managedGrafanaViewer];

/** Every key a region's snapshot must hold: everything any capacity config may use. */
export function requiredPriceKeys(): string[] {
  const ec2 = Object.keys(EC2_INSTANCE_TYPES).flatMap((type) => [
    priceKeys.ec2Instance(type, 'on-demand'),
    priceKeys.ec2Instance(type, 'reserved-1yr-no-upfront'),
    priceKeys.ec2Instance(type, 'compute-savings-plan-1yr-no-upfront'),
  ]);
  const msk = [...Object.keys(MSK_BROKER_TYPES), ...Object.keys(MSK_EXPRESS_BROKER_TYPES)].map((type) => priceKeys.mskBroker(type));
  return [
    ...ec2,
    priceKeys.ebsGp3Storage,
    ...msk,
    priceKeys.mskStorage,
    priceKeys.mskExpressStorage,
    priceKeys.mskExpressDataIn,
    priceKeys.flinkKpu,
    priceKeys.flinkRunningStorage,
    priceKeys.albHour,
    priceKeys.albLcu,
    priceKeys.nlbHour,
    priceKeys.nlbNlcu,
    priceKeys.s3Standard,
    priceKeys.s3DeepArchive,
    priceKeys.interAzTransfer,
    priceKeys.natGatewayHour,
    priceKeys.natProcessed,
    ...INTERNET_OUT_TIERS.map(({ tier }) => priceKeys.internetOut(tier)),
    priceKeys.sameRegionPublicTransfer,
    priceKeys.vpcEndpointHour,
    priceKeys.vpcEndpointProcessed,
    priceKeys.publicIpv4Hour,
    priceKeys.kmsKey,
    priceKeys.secret,
    priceKeys.cloudwatchAlarmMetric,
    priceKeys.cloudwatchDashboard,
    priceKeys.cloudwatchMetric,
    priceKeys.cloudwatchLogsIngestion,
    priceKeys.cloudwatchLogsStorage,
    ...Object.keys(RDS_INSTANCE_CLASSES).flatMap((c) => RDS_DEPLOYMENTS.map((d) => priceKeys.rdsInstance(c, d))),
    ...RDS_DEPLOYMENTS.map((d) => priceKeys.rdsGp3Storage(d)),
    priceKeys.rdsBackupStorage,
    ...MANAGED_GRAFANA_PRICE_KEYS,
  ];
}
