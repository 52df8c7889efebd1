/**
 * How each price key is found with the Price List Query API: the service code and exact-match
 * filters sent to GetProducts (the refresher adds `regionCode`), and the usage type that picks one
 * product out of what comes back. Usage types carry a region prefix that differs by service and
 * region (`BoxUsage:c6i.2xlarge`, `USE1-Kafka.m5.xlarge`, `EU-LCUUsage`), so they are matched on
 * their suffix after an optional prefix rather than sent as filters.
 * @see https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html
 */
import { EC2_INSTANCE_TYPES, EC2_USAGE_TYPE_PREFIX, MSK_BROKER_TYPES, RDS_INSTANCE_CLASSES, type SupportedRegion } from '../catalog/instance-types';
import { MSK_EXPRESS_BROKER_TYPES } from '../plan/msk-express';
import { INTERNET_OUT_TIERS, priceKeys, RDS_DEPLOYMENTS, type RdsDeployment } from './price-keys';

export interface ReservedTermSelector {
  readonly LeaseContractLength: '1yr';
  readonly OfferingClass: 'standard';
  readonly PurchaseOption: 'No Upfront';
}

export interface PriceQuery {
  readonly key: string;
  readonly serviceCode: string;
  readonly filters: Readonly<Record<string, string>>;
  /** Usage type without its region prefix; matched exactly after an optional `XXXN-` prefix. */
  readonly usageType?: string;
  /** Attributes that must hold these values on products that carry them at all. */
  readonly whenPresent?: Readonly<Record<string, string>>;
  readonly term: 'OnDemand' | ReservedTermSelector;
  readonly description: string;
  /** For tiered prices: the tier's price dimension, by its beginRange (default: the tier from 0). */
  readonly beginRange?: string;
}

export const ONE_YEAR_NO_UPFRONT: ReservedTermSelector = {
  LeaseContractLength: '1yr',
  OfferingClass: 'standard',
  PurchaseOption: 'No Upfront',
};

const EC2_LINUX_SHARED = {
  productFamily: 'Compute Instance',
  operatingSystem: 'Linux',
  tenancy: 'Shared',
  preInstalledSw: 'NA',
  capacitystatus: 'Used',
  licenseModel: 'No License required',
};

/**
 * Capacity Block SKUs share the filters above; they carry marketoption=CapacityBlock. Filtered
 * client-side because a server-side marketoption filter may also drop the reserved terms.
 */
const ON_DEMAND_MARKET = { marketoption: 'OnDemand' };

export function priceQueries(region: SupportedRegion): PriceQuery[] {
  const ec2 = Object.keys(EC2_INSTANCE_TYPES).flatMap((instanceType): PriceQuery[] => [
    {
      key: priceKeys.ec2Instance(instanceType, 'on-demand'),
      serviceCode: 'AmazonEC2',
      filters: { ...EC2_LINUX_SHARED, instanceType },
      whenPresent: ON_DEMAND_MARKET,
      term: 'OnDemand',
      description: `${instanceType} Linux on-demand instance hour`,
    },
    {
      key: priceKeys.ec2Instance(instanceType, 'reserved-1yr-no-upfront'),
      serviceCode: 'AmazonEC2',
      filters: { ...EC2_LINUX_SHARED, instanceType },
      whenPresent: ON_DEMAND_MARKET,
      term: ONE_YEAR_NO_UPFRONT,
      description: `${instanceType} Linux 1-year standard no-upfront reserved instance hour`,
    },
  ]);
  const msk = Object.keys(MSK_BROKER_TYPES).map(
    (brokerType): PriceQuery => ({
      key: priceKeys.mskBroker(brokerType),
      serviceCode: 'AmazonMSK',
      filters: { productFamily: 'Managed Streaming for Apache Kafka (MSK)' },
      usageType: `Kafka.${brokerType.replace(/^kafka\./, '')}`,
      term: 'OnDemand',
      description: `MSK provisioned ${brokerType} broker hour`,
    }),
  );
  // Express brokers are their own usage types (`USE1-Express.m7g.large`), and so are their storage
  // and data in.
  const express = Object.keys(MSK_EXPRESS_BROKER_TYPES).map(
    (brokerType): PriceQuery => ({
      key: priceKeys.mskBroker(brokerType),
      serviceCode: 'AmazonMSK',
      filters: { productFamily: 'Managed Streaming for Apache Kafka (MSK)' },
      usageType: `Express.${brokerType.replace(/^express\./, '')}`,
      term: 'OnDemand',
      description: `MSK Express ${brokerType} broker hour`,
    }),
  );
  // RDS for PostgreSQL (Grafana's database): a Multi-AZ deployment is its own product and usage type.
  const rdsDeployment = (d: RdsDeployment) => (d === 'multi-az' ? 'Multi-AZ' : 'Single-AZ');
  const rds = [
    ...Object.keys(RDS_INSTANCE_CLASSES).flatMap((instanceClass) =>
      RDS_DEPLOYMENTS.map(
        (d): PriceQuery => ({
          key: priceKeys.rdsInstance(instanceClass, d),
          serviceCode: 'AmazonRDS',
          filters: { productFamily: 'Database Instance', instanceType: instanceClass, databaseEngine: 'PostgreSQL', deploymentOption: rdsDeployment(d) },
          usageType: `${d === 'multi-az' ? 'Multi-AZUsage' : 'InstanceUsage'}:${instanceClass}`,
          term: 'OnDemand',
          description: `RDS for PostgreSQL ${instanceClass} ${rdsDeployment(d)} instance hour`,
        }),
      ),
    ),
    ...RDS_DEPLOYMENTS.map(
      (d): PriceQuery => ({
        key: priceKeys.rdsGp3Storage(d),
        serviceCode: 'AmazonRDS',
        filters: { productFamily: 'Database Storage', volumeType: 'General Purpose-GP3', deploymentOption: rdsDeployment(d) },
        usageType: d === 'multi-az' ? 'RDS:Multi-AZ-GP3-Storage' : 'RDS:GP3-Storage',
        term: 'OnDemand',
        description: `RDS gp3 storage, ${rdsDeployment(d)}, GB-month`,
      }),
    ),
    {
      key: priceKeys.rdsBackupStorage,
      serviceCode: 'AmazonRDS',
      filters: { productFamily: 'Storage Snapshot' },
      usageType: 'RDS:ChargedBackupUsage',
      term: 'OnDemand',
      description: 'RDS backup storage beyond the free allowance, GB-month',
    } satisfies PriceQuery,
  ];
  return [
    ...ec2,
    ...express,
    ...rds,
    {
      key: priceKeys.mskExpressStorage,
      serviceCode: 'AmazonMSK',
      filters: { productFamily: 'Managed Streaming for Apache Kafka (MSK)' },
      usageType: 'Express.Storage',
      term: 'OnDemand',
      description: 'MSK Express storage, GB-month of data stored',
    },
    {
      key: priceKeys.mskExpressDataIn,
      serviceCode: 'AmazonMSK',
      filters: { productFamily: 'Managed Streaming for Apache Kafka (MSK)' },
      usageType: 'Express.DataIn',
      term: 'OnDemand',
      description: 'MSK Express data written into the cluster, per GB',
    },
    {
      key: priceKeys.ebsGp3Storage,
      serviceCode: 'AmazonEC2',
      filters: { productFamily: 'Storage', volumeApiName: 'gp3' },
      usageType: 'EBS:VolumeUsage.gp3',
      term: 'OnDemand',
      description: 'EBS gp3 storage, GB-month',
    },
    ...msk,
    {
      key: priceKeys.mskStorage,
      serviceCode: 'AmazonMSK',
      filters: { productFamily: 'Managed Streaming for Apache Kafka (MSK)' },
      usageType: 'Kafka.Storage.GP2',
      term: 'OnDemand',
      description: 'MSK broker storage, GB-month',
    },
    {
      key: priceKeys.flinkKpu,
      serviceCode: 'AmazonKinesisAnalytics',
      filters: { productFamily: 'Kinesis Analytics' },
      usageType: 'KPU-Hour-Java',
      term: 'OnDemand',
      description: 'Managed Service for Apache Flink KPU hour',
    },
    {
      key: priceKeys.flinkRunningStorage,
      serviceCode: 'AmazonKinesisAnalytics',
      filters: { productFamily: 'Kinesis Analytics' },
      usageType: 'RunningApplicationStorage',
      term: 'OnDemand',
      description: 'Managed Service for Apache Flink running application storage, GB-month',
    },
    {
      key: priceKeys.albHour,
      serviceCode: 'AWSELB',
      filters: { productFamily: 'Load Balancer-Application', locationType: 'AWS Region' },
      usageType: 'LoadBalancerUsage',
      term: 'OnDemand',
      description: 'Application Load Balancer hour',
    },
    {
      key: priceKeys.albLcu,
      serviceCode: 'AWSELB',
      filters: { productFamily: 'Load Balancer-Application', locationType: 'AWS Region' },
      usageType: 'LCUUsage',
      term: 'OnDemand',
      description: 'Application Load Balancer LCU hour',
    },
    {
      key: priceKeys.nlbHour,
      serviceCode: 'AWSELB',
      filters: { productFamily: 'Load Balancer-Network', locationType: 'AWS Region' },
      usageType: 'LoadBalancerUsage',
      term: 'OnDemand',
      description: 'Network Load Balancer hour',
    },
    {
      key: priceKeys.nlbNlcu,
      serviceCode: 'AWSELB',
      filters: { productFamily: 'Load Balancer-Network', locationType: 'AWS Region' },
      usageType: 'LCUUsage',
      term: 'OnDemand',
      description: 'Network Load Balancer NLCU hour',
    },
    {
      key: priceKeys.s3Standard,
      // Many S3 products carry no productFamily, so only the usage type selects.
      serviceCode: 'AmazonS3',
      filters: {},
      usageType: 'TimedStorage-ByteHrs',
      term: 'OnDemand',
      description: 'S3 Standard storage, first 50 TB, GB-month',
    },
    {
      key: priceKeys.s3DeepArchive,
      serviceCode: 'AmazonS3GlacierDeepArchive',
      filters: {},
      usageType: 'TimedStorage-GDA-ByteHrs',
      term: 'OnDemand',
      description: 'S3 Glacier Deep Archive storage, GB-month',
    },
    {
      key: priceKeys.interAzTransfer,
      // Intra-region transfer has no regionCode of its own; its usage type names the region.
      serviceCode: 'AWSDataTransfer',
      filters: { transferType: 'IntraRegion', usagetype: `${EC2_USAGE_TYPE_PREFIX[region]}DataTransfer-Regional-Bytes` },
      term: 'OnDemand',
      description: 'Data transfer between AZs in the region, per GB and direction',
    },
    {
      key: priceKeys.natGatewayHour,
      serviceCode: 'AmazonEC2',
      filters: { productFamily: 'NAT Gateway' },
      usageType: 'NatGateway-Hours',
      term: 'OnDemand',
      description: 'NAT gateway hour',
    },
    {
      key: priceKeys.natProcessed,
      serviceCode: 'AmazonEC2',
      filters: { productFamily: 'NAT Gateway' },
      usageType: 'NatGateway-Bytes',
      term: 'OnDemand',
      description: 'NAT gateway data processed, per GB',
    },
    // One outbound SKU with one price dimension per tier, told apart by beginRange.
    ...INTERNET_OUT_TIERS.map(
      ({ tier, fromGB }): PriceQuery => ({
        key: priceKeys.internetOut(tier),
        serviceCode: 'AWSDataTransfer',
        filters: { transferType: 'AWS Outbound', usagetype: `${EC2_USAGE_TYPE_PREFIX[region]}DataTransfer-Out-Bytes` },
        beginRange: String(fromGB),
        term: 'OnDemand',
        description: `Data transfer out to the internet, ${tier.replace('-', ' ').replace('tb', ' TB')} a month, per GB`,
      }),
    ),
    {
      // Public or elastic IPs within the region bill as regional transfer, per GB and direction.
      key: priceKeys.sameRegionPublicTransfer,
      serviceCode: 'AWSDataTransfer',
      filters: { transferType: 'IntraRegion', usagetype: `${EC2_USAGE_TYPE_PREFIX[region]}DataTransfer-Regional-Bytes` },
      term: 'OnDemand',
      description: 'Data transfer in the region over public IPv4 addresses, per GB and direction',
    },
    {
      key: priceKeys.vpcEndpointHour,
      serviceCode: 'AmazonVPC',
      filters: { productFamily: 'VpcEndpoint' },
      usageType: 'VpcEndpoint-Hours',
      term: 'OnDemand',
      description: 'VPC interface endpoint hour, per AZ',
    },
    {
      key: priceKeys.vpcEndpointProcessed,
      serviceCode: 'AmazonVPC',
      filters: { productFamily: 'VpcEndpoint' },
      usageType: 'VpcEndpoint-Bytes',
      term: 'OnDemand',
      description: 'VPC interface endpoint data processed, first PB, per GB',
    },
    {
      key: priceKeys.publicIpv4Hour,
      serviceCode: 'AmazonVPC',
      filters: { productFamily: 'VPC Public IPv4 Address' },
      usageType: 'PublicIPv4:InUseAddress',
      term: 'OnDemand',
      description: 'Public IPv4 address in use, hour',
    },
    {
      key: priceKeys.kmsKey,
      serviceCode: 'awskms',
      filters: { productFamily: 'Encryption Key' },
      usageType: 'KMS-Keys',
      term: 'OnDemand',
      description: 'KMS customer managed key, month',
    },
    {
      key: priceKeys.secret,
      serviceCode: 'AWSSecretsManager',
      filters: { productFamily: 'Secret' },
      usageType: 'AWSSecretsManager-Secrets',
      term: 'OnDemand',
      description: 'Secrets Manager secret, month',
    },
    {
      key: priceKeys.cloudwatchAlarmMetric,
      serviceCode: 'AmazonCloudWatch',
      filters: { productFamily: 'Alarm' },
      usageType: 'CW:AlarmMonitorUsage',
      term: 'OnDemand',
      description: 'CloudWatch standard-resolution alarm metric, month',
    },
    {
      key: priceKeys.cloudwatchDashboard,
      serviceCode: 'AmazonCloudWatch',
      filters: { productFamily: 'Dashboard' },
      usageType: 'DashboardsUsageHour',
      term: 'OnDemand',
      description: 'CloudWatch dashboard, month',
    },
    {
      key: priceKeys.cloudwatchMetric,
      serviceCode: 'AmazonCloudWatch',
      filters: { productFamily: 'Metric' },
      usageType: 'CW:MetricMonitorUsage',
      term: 'OnDemand',
      description: 'CloudWatch custom metric, first 10,000, month',
    },
    {
      key: priceKeys.cloudwatchLogsIngestion,
      serviceCode: 'AmazonCloudWatch',
      filters: { productFamily: 'Data Payload' },
      usageType: 'DataProcessing-Bytes',
      term: 'OnDemand',
      description: 'CloudWatch Logs standard ingestion, per GB',
    },
    {
      key: priceKeys.cloudwatchLogsStorage,
      serviceCode: 'AmazonCloudWatch',
      filters: { productFamily: 'Storage Snapshot' },
      usageType: 'TimedStorage-ByteHrs',
      term: 'OnDemand',
      description: 'CloudWatch Logs archived storage, GB-month',
    },
  ];
}

/** Services whose products carry a `regionCode` attribute to filter on. */
export function filtersByRegion(query: PriceQuery): boolean {
  return query.serviceCode !== 'AWSDataTransfer';
}
