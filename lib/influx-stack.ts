import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { CapacityPlan } from './plan';
import { accessLogBucket } from './log-bucket';
import { pinnedImageFor } from './machine-image';
import { acknowledge, acknowledgeInlinePolicy, acknowledgeInstanceRolePolicies } from './nag';
import { PORTS } from './ports';
import { INFLUX_DATABASE, INFLUX_RETENTION_POLICY } from './topics';
import { influxNodeUserData } from './user-data/influx-node';

export interface InfluxStackProps extends StackProps {
  readonly plan: CapacityPlan;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Days a backup stays in S3 Standard before moving to Glacier Deep Archive. */
  readonly backupStandardDays: number;
  /** Days a backup is kept in total. */
  readonly backupRetentionDays: number;
  /** Days between full backups. */
  readonly backupIntervalDays: number;
  /** Termination protection on the nodes. */
  readonly protectFromDeletion: boolean;
}

/**
 * The InfluxDB nodes: shards x replication factor i3 instances spread over the AZs, each formatting
 * its NVMe instance store at boot, with InfluxDB installed and its retention set from the plan.
 * Instance-store data dies with the instance, so replication (the Flink sink writes every series to
 * its replica set) and scheduled backups to S3 are what keep it.
 *
 * Routine deploys: each node has a stable DNS name in a private hosted zone (other stacks address
 * it by that name, so no instance attribute is exported and a replacement is never blocked by an
 * export in use); a node is created only once it signals that InfluxDB answers (CreationPolicy);
 * and node n depends on node n-1, so CloudFormation replaces them one at a time, each new node
 * healthy before the next starts, the old ones kept until the update's cleanup.
 */
export class InfluxStack extends Stack {
  readonly instances: ec2.Instance[];
  readonly backupBucket: s3.Bucket;
  /** `http://<node name>:8086` of every node, in node order (the Flink sink's hash ring). */
  readonly endpoints: string[];

  constructor(scope: Construct, id: string, props: InfluxStackProps) {
    super(scope, id, props);
    const { influx, environment } = props.plan;

    const accessLogs = accessLogBucket(this, 'AccessLogs', props.plan);
    this.backupBucket = new s3.Bucket(this, 'Backups', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: new kms.Key(this, 'BackupKey', { description: `MetricStream ${environment} InfluxDB backups`, enableKeyRotation: true }),
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'backups/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          transitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(props.backupStandardDays) }],
          expiration: Duration.days(props.backupRetentionDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });

    const role = new iam.Role(this, 'NodeRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'),
      ],
    });
    this.backupBucket.grantPut(role);

    const zone = new route53.PrivateHostedZone(this, 'Zone', { zoneName: influx.zoneName, vpc: props.vpc, comment: `MetricStream ${environment} InfluxDB nodes` });

    const subnets = props.vpc.privateSubnets;
    this.instances = [];
    for (let node = 0; node < influx.nodes; node++) {
      // Node n holds replica (n % RF) of shard floor(n / RF); one replica per shard is backed up.
      const replica = node % influx.replicationFactor;
      const instance = new ec2.Instance(this, `Node${node}`, {
        vpc: props.vpc,
        vpcSubnets: { subnets: [subnets[node % subnets.length]] },
        instanceType: new ec2.InstanceType(influx.instanceType),
        // Pinned: ImageId replaces the node and its instance store (lib/machine-image.ts).
        machineImage: pinnedImageFor(props.plan, influx.instanceType),
        securityGroup: props.securityGroup,
        role,
        // IMDSv2 on the instance itself: requireImdsv2 would add a launch template named after the
        // construct id (Node0LaunchTemplate), the same in every stage of one account and region.
        httpTokens: ec2.HttpTokens.REQUIRED,
        detailedMonitoring: props.plan.observability.detailedMonitoring,
        ssmSessionPermissions: true,
        blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(influx.rootVolumeGiB, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
        userData: influxNodeUserData({
          environment,
          node,
          port: PORTS.influx,
          readinessTimeoutSeconds: influx.readinessTimeoutSeconds,
          readinessPollSeconds: influx.readinessPollSeconds,
          generation: influx.nodeGenerations[node],
          database: INFLUX_DATABASE,
          retentionPolicy: INFLUX_RETENTION_POLICY,
          retentionDays: influx.aggregateRetentionDays,
          backup: replica === 0 ? { bucketName: this.backupBucket.bucketName, intervalDays: props.backupIntervalDays } : undefined,
        }),
        // A user-data change on an existing node would stop and start it: its instance store is
        // erased and the boot script does not run again, so the mount fails. Replacing it instead
        // boots a fresh node with the new script (one at a time, below).
        userDataCausesReplacement: true,
      });
      instance.userData.addSignalOnExitCommand(instance);
      instance.instance.cfnOptions.creationPolicy = { resourceSignal: { count: 1, timeout: Duration.seconds(influx.signalTimeoutSeconds).toIsoString() } };
      const previous = this.instances[this.instances.length - 1];
      if (previous) instance.instance.addResourceDependency(previous.instance);
      new route53.ARecord(this, `Node${node}Address`, {
        zone,
        recordName: `${influx.hostNames[node]}.`,
        target: route53.RecordTarget.fromIpAddresses(instance.instancePrivateIp),
        ttl: Duration.seconds(influx.dnsTtlSeconds),
      });
      instance.instance.disableApiTermination = props.protectFromDeletion;
      if (!props.protectFromDeletion) {
        acknowledge(instance, ['AwsSolutions-EC29'], `The ${environment} config turns termination protection off so the environment can be torn down.`);
      }
      Validations.of(instance).acknowledge({
        id: 'CloudFormation-Validate::W9010',
        reason: 'The AMI is pinned on purpose, per region, in the capacity config (hostImage): a new image replaces the node, so it must be a reviewed change.',
      });
      Validations.of(instance).acknowledge({
        id: 'CloudFormation-Validate::W3010',
        reason: 'Each node is placed in a named AZ on purpose: one replica per AZ (availabilityZoneIds in the config, lib/network-stack.ts).',
      });
      this.instances.push(instance);
    }
    this.endpoints = influx.hostNames.map((name) => `http://${name}:${PORTS.influx}`);

    acknowledge(
      this.backupBucket,
      ['NIST.800.53.R5-S3BucketReplicationEnabled'],
      'Backups are a second copy already (InfluxDB replicates every series over the nodes); cross-region replication is a per-deployment choice outside the plan.',
    );
    acknowledgeInlinePolicy(role.node.findChild('DefaultPolicy'));
    for (const action of ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*']) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${action}]`, reason: 'Granted by Bucket.grantPut on the KMS key of the backup bucket only.' });
    }
    acknowledgeInstanceRolePolicies(role);
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: 'Granted by Bucket.grantPut: aborting its own multipart backup uploads.' });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.backupBucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
      reason: 'Granted by Bucket.grantPut: backups are written as objects anywhere in this bucket only.',
    });
  }
}
