import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { CapacityPlan } from './plan';
import { accessLogBucket } from './log-bucket';
import { amazonLinuxFor } from './machine-image';
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
 */
export class InfluxStack extends Stack {
  readonly instances: ec2.Instance[];
  readonly backupBucket: s3.Bucket;
  /** `http://<private-ip>:8086` of every node, in node order (the Flink sink's hash ring). */
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

    const subnets = props.vpc.privateSubnets;
    this.instances = [];
    for (let node = 0; node < influx.nodes; node++) {
      // Node n holds replica (n % RF) of shard floor(n / RF); one replica per shard is backed up.
      const replica = node % influx.replicationFactor;
      const instance = new ec2.Instance(this, `Node${node}`, {
        vpc: props.vpc,
        vpcSubnets: { subnets: [subnets[node % subnets.length]] },
        instanceType: new ec2.InstanceType(influx.instanceType),
        machineImage: amazonLinuxFor(influx.instanceType),
        securityGroup: props.securityGroup,
        role,
        requireImdsv2: true,
        detailedMonitoring: props.plan.observability.detailedMonitoring,
        ssmSessionPermissions: true,
        blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(influx.rootVolumeGiB, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
        userData: influxNodeUserData({
          environment,
          node,
          port: PORTS.influx,
          database: INFLUX_DATABASE,
          retentionPolicy: INFLUX_RETENTION_POLICY,
          retentionDays: influx.aggregateRetentionDays,
          backup: replica === 0 ? { bucketName: this.backupBucket.bucketName, intervalDays: props.backupIntervalDays } : undefined,
        }),
        userDataCausesReplacement: false,
      });
      instance.instance.disableApiTermination = props.protectFromDeletion;
      if (!props.protectFromDeletion) {
        acknowledge(instance, ['AwsSolutions-EC29'], `The ${environment} config turns termination protection off so the environment can be torn down.`);
      }
      Validations.of(instance).acknowledge({
        id: 'CloudFormation-Validate::W3010',
        reason: 'Each node is placed in a named AZ on purpose: one replica per AZ (see availabilityZoneNames in lib/network-stack.ts).',
      });
      this.instances.push(instance);
    }
    this.endpoints = this.instances.map((i) => `http://${i.instancePrivateIp}:${PORTS.influx}`);

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
