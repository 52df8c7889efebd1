/**
 * Which property changes make CloudFormation replace a resource, for the types our stacks declare.
 *
 * Source: the CloudFormation resource provider schemas (registry), `createOnlyProperties` — what the
 * Template Reference prints as "Update requires: Replacement" — and `conditionalCreateOnlyProperties`
 * ("Update requires: Some interruptions" or replacement depending on the value). Copied from the
 * us-east-1 schemas that cfn-lint ships (cfnlint/data/schemas); test/review/replacement-rules.test.ts
 * checks this table against them where cfn-lint is installed. Checked 2026-11-27.
 *
 * Notes on the stateful types:
 * - AWS::MSK::Cluster: ClusterName, BrokerNodeGroupInfo.ClientSubnets / SecurityGroups /
 *   BrokerAZDistribution and EncryptionInfo.EncryptionAtRest / EncryptionInTransit.InCluster
 *   replace the cluster (all data lost). KafkaVersion, BrokerNodeGroupInfo.InstanceType,
 *   StorageInfo (grow only) and NumberOfBrokerNodes (grow only) are in-place broker updates.
 * - AWS::EC2::Instance: ImageId, AvailabilityZone, SubnetId, KeyName, NetworkInterfaces, ... replace
 *   the instance. InstanceType, UserData, EbsOptimized, SecurityGroupIds (non-VPC), BlockDeviceMappings
 *   are conditional: an EBS-backed instance is stopped and started — and a stop discards the
 *   instance-store (NVMe) volumes the i3 InfluxDB nodes keep their data on.
 * - AWS::S3::Bucket: BucketName (and BucketNamePrefix) replace the bucket; CloudFormation cannot
 *   delete a non-empty bucket, so the update fails or the old bucket is orphaned.
 * - AWS::SecretsManager::Secret: Name replaces the secret (its value is regenerated or lost).
 * - AWS::KMS::Key: no create-only properties in its schema, so no property change replaces it;
 *   what loses it is a removal (CloudFormation schedules the key's deletion) or a new logical id.
 *
 * Pages: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/ aws-resource-msk-cluster.html,
 * aws-properties-msk-cluster-brokernodegroupinfo.html, aws-resource-ec2-instance.html,
 * aws-resource-s3-bucket.html, aws-resource-secretsmanager-secret.html, aws-resource-kms-key.html; the
 * behaviours: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 */

export interface ReplacementRule {
  /** Property paths (slash-separated, under Properties) whose change replaces the resource. */
  readonly replaces: readonly string[];
  /** Paths whose change may replace the resource or interrupt it (stop/start), depending on values. */
  readonly mayInterrupt?: readonly string[];
}

export const REPLACEMENT_RULES: Readonly<Record<string, ReplacementRule>> = {
  'AWS::MSK::Cluster': {
    replaces: [
      'BrokerNodeGroupInfo/BrokerAZDistribution',
      'BrokerNodeGroupInfo/ClientSubnets',
      'BrokerNodeGroupInfo/SecurityGroups',
      'EncryptionInfo/EncryptionAtRest',
      'EncryptionInfo/EncryptionInTransit/InCluster',
      'ClusterName',
    ],
  },
  'AWS::EC2::Instance': {
    replaces: [
      'AvailabilityZone',
      'CpuOptions',
      'ElasticGpuSpecifications',
      'ElasticInferenceAccelerators',
      'EnclaveOptions',
      'HibernationOptions',
      'HostResourceGroupArn',
      'ImageId',
      'Ipv6AddressCount',
      'Ipv6Addresses',
      'KeyName',
      'LaunchTemplate',
      'LicenseSpecifications',
      'NetworkInterfaces',
      'PlacementGroupName',
      'PrivateIpAddress',
      'SecurityGroups',
      'SubnetId',
    ],
    mayInterrupt: [
      'AdditionalInfo',
      'Affinity',
      'EbsOptimized',
      'HostId',
      'InstanceType',
      'KernelId',
      'PrivateDnsNameOptions',
      'RamdiskId',
      'Tenancy',
      'UserData',
      'BlockDeviceMappings',
      'SecurityGroupIds',
    ],
  },
  'AWS::S3::Bucket': { replaces: ['BucketName', 'BucketNamePrefix', 'BucketNamespace'] },
  'AWS::KMS::Key': { replaces: [] },
  'AWS::SecretsManager::Secret': { replaces: ['Name'] },
  'AWS::KinesisAnalyticsV2::Application': { replaces: ['ApplicationName', 'ApplicationMode'] },
  'AWS::MSK::Configuration': { replaces: ['KafkaVersionsList', 'Name'] },
  'AWS::MSK::Topic': { replaces: ['ClusterArn', 'TopicName', 'ReplicationFactor'] },
  'AWS::EC2::VPC': { replaces: ['CidrBlock', 'Ipv4IpamPoolId', 'Ipv4NetmaskLength'], mayInterrupt: ['InstanceTenancy'] },
  'AWS::EC2::Subnet': {
    replaces: ['VpcId', 'AvailabilityZone', 'AvailabilityZoneId', 'CidrBlock', 'OutpostArn', 'Ipv6Native', 'Ipv4IpamPoolId', 'Ipv4NetmaskLength', 'Ipv6IpamPoolId', 'Ipv6NetmaskLength'],
    mayInterrupt: ['Ipv6CidrBlock'],
  },
  'AWS::EC2::NatGateway': { replaces: ['VpcId', 'SubnetId', 'ConnectivityType', 'AllocationId', 'PrivateIpAddress', 'AvailabilityMode'] },
  'AWS::EC2::SecurityGroup': { replaces: ['GroupDescription', 'GroupName', 'VpcId'] },
  'AWS::EC2::LaunchTemplate': { replaces: ['LaunchTemplateName'] },
  'AWS::AutoScaling::AutoScalingGroup': {
    replaces: ['InstanceId', 'AutoScalingGroupName'],
    mayInterrupt: ['LaunchConfigurationName', 'VPCZoneIdentifier', 'LaunchTemplate', 'MixedInstancesPolicy'],
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { replaces: ['Name', 'Type', 'Scheme'] },
  'AWS::Logs::LogGroup': { replaces: ['LogGroupName'] },
  'AWS::SNS::Topic': { replaces: ['TopicName', 'FifoTopic'] },
};

/**
 * Resources whose replacement or removal loses data: the Kafka log, the InfluxDB nodes' instance
 * store, backups and logs in buckets, the keys that decrypt them, the API keys secret.
 */
const STATEFUL_TYPES = new Set(['AWS::MSK::Cluster', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']);

/** EC2 instances are stateful where they hold data: the InfluxDB nodes of the Influx stack. */
export function isStateful(stackName: string, type: string): boolean {
  if (STATEFUL_TYPES.has(type)) return true;
  return type === 'AWS::EC2::Instance' && /-Influx$/.test(stackName);
}
