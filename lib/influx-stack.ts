import { Duration, RemovalPolicy, Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { INFLUX_USERS, type InfluxReadAccess, type InfluxUser } from './influx/read-access';
import { CapacityConfigError, type CapacityPlan } from './plan';
import { accessLogBucket } from './log-bucket';
import { pinnedImageFor } from './machine-image';
import { acknowledge, acknowledgeInlinePolicy, acknowledgeInstanceRolePolicies } from './nag';
import { PORTS } from './ports';
import { kafkaResourceArn } from './kafka-stack';
import { aggregatesTopicOfShard, INFLUX_DATABASE, INFLUX_RETENTION_POLICY, loaderConsumerGroup } from './topics';
import { influxNodeUserData } from './user-data/influx-node';

export interface InfluxStackProps extends StackProps {
  readonly plan: CapacityPlan;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** MSK's IAM bootstrap brokers (the Kafka stack's fixed-id lookup, not an instance attribute) and its ARN. */
  readonly kafkaBootstrapBrokers: string;
  readonly kafkaClusterArn: string;
  /** Operators allowed to query InfluxDB through the NLB. */
  readonly operatorCidrs: readonly string[];
  /** Termination protection on the nodes. */
  readonly protectFromDeletion: boolean;
}

/**
 * The InfluxDB nodes: exactly the plan's layout (`plan.influx.nodes`, `{ shard, replica, az }`), each
 * in its AZ's private subnet, formatting its NVMe instance store at boot, with InfluxDB installed and
 * its retention set from the plan. Instance-store data dies with the instance, so replicas (each node
 * loads the aggregates topic on its own, docs/influx-loader.md) and scheduled backups to S3 keep it.
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
  /** How readers (Grafana, operators) reach InfluxDB: the internal NLB, the reader's secret, the client group. */
  readonly read: InfluxReadAccess;
  /** One secret per InfluxDB user (`{"username", "password"}`), KMS-encrypted with the stack's users key. */
  readonly userSecrets: Readonly<Record<InfluxUser, secretsmanager.Secret>>;

  constructor(scope: Construct, id: string, props: InfluxStackProps) {
    super(scope, id, props);
    const { influx, environment } = props.plan;
    if (influx.shards > 1) {
      // The rule of lib/topics.ts aggregatesTopicOfShard: per-shard topics the Flink job does not fill yet.
      throw new CapacityConfigError(
        environment,
        'influx.shards',
        `(${influx.shards}) needs the Flink job to write each series to its shard's topic (${aggregatesTopicOfShard(0, influx.shards)}, ...), which it does not yet: keep one shard (a larger i3 or a shorter influx.aggregateRetentionDays)`,
      );
    }

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
          transitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(props.plan.backups.standardDays) }],
          expiration: Duration.days(props.plan.backups.retentionDays),
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
    // A node whose store is empty at boot restores its shard's latest backup.
    this.backupBucket.grantRead(role);

    // The users every node creates at first boot; passwords generated by Secrets Manager.
    const usersKey = new kms.Key(this, 'UsersKey', { description: `MetricStream ${environment} InfluxDB users`, enableKeyRotation: true });
    const userSecret = (user: InfluxUser, id: string, what: string) => {
      const secret = new secretsmanager.Secret(this, id, {
        description: `MetricStream ${environment} InfluxDB ${what} user`,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: INFLUX_USERS[user] }),
          generateStringKey: 'password',
          passwordLength: 32,
          // The password goes into InfluxQL (CREATE USER ... WITH PASSWORD '...') and Telegraf's environment file.
          excludePunctuation: true,
        },
        encryptionKey: usersKey,
        removalPolicy: props.protectFromDeletion ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      acknowledge(
        secret,
        ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled'],
        'Each node creates its InfluxDB users from this secret at first boot; a rotation would need every node to change the password too, so it is a replacement of the nodes, not an automatic rotation.',
      );
      return secret;
    };
    this.userSecrets = {
      admin: userSecret('admin', 'AdminUser', 'admin (setup only)'),
      loader: userSecret('loader', 'LoaderUser', 'write-only loader'),
      reader: userSecret('reader', 'ReaderUser', 'read-only'),
    };

    // The nodes create the users from these at first boot: exactly these three secrets.
    for (const secret of Object.values(this.userSecrets)) secret.grantRead(role);
    // The loaders: connect, read the aggregates topic(s), and use their own consumer groups only
    // (https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html).
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:Connect'], resources: [props.kafkaClusterArn] }));
    const loaderTopics = [...new Set(influx.nodes.map((n) => aggregatesTopicOfShard(n.shard, influx.shards)))];
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
        resources: loaderTopics.map((t) => kafkaResourceArn(props.kafkaClusterArn, 'topic', t)),
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
        resources: influx.nodes.map((n) => kafkaResourceArn(props.kafkaClusterArn, 'group', loaderConsumerGroup(n.shard, n.replica))),
      }),
    );

    const zone = new route53.PrivateHostedZone(this, 'Zone', { zoneName: influx.zoneName, vpc: props.vpc, comment: `MetricStream ${environment} InfluxDB nodes` });

    // Private subnet i is in availabilityZoneIds[i] (lib/network-stack.ts), the index the plan's az is.
    const subnets = props.vpc.privateSubnets;
    this.instances = [];
    // Exactly the plan's layout: node n is influx.nodes[n].
    const layout = influx.nodes;
    layout.forEach(({ shard, replica, az }, node) => {
      const instance = new ec2.Instance(this, `Node${node}`, {
        vpc: props.vpc,
        vpcSubnets: { subnets: [subnets[az]] },
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
          shard,
          backups: { bucketName: this.backupBucket.bucketName, intervalDays: props.plan.backups.intervalDays, uploads: props.plan.backups.nodes.includes(node) },
          resetMarginSeconds: props.plan.kafka.aggregates.retentionRule.resetMarginSeconds,
          region: props.plan.region,
          userSecretArns: { admin: this.userSecrets.admin.secretArn, loader: this.userSecrets.loader.secretArn, reader: this.userSecrets.reader.secretArn },
          loader: { bootstrapBrokers: props.kafkaBootstrapBrokers, topic: aggregatesTopicOfShard(shard, influx.shards), consumerGroup: loaderConsumerGroup(shard, replica) },
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
      Tags.of(instance).add('metricstream:influx-shard', String(shard));
      Tags.of(instance).add('metricstream:influx-replica', String(replica));
      this.instances.push(instance);
    });

    this.read = this.readEndpoint(props);

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
    for (const action of ['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*']) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${action}]`, reason: 'Granted by Bucket.grantRead on the backup bucket only: a new node finds and downloads its shard\'s latest backup.' });
    }
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.backupBucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
      reason: 'Granted by Bucket.grantPut: backups are written as objects anywhere in this bucket only.',
    });
  }

  /**
   * The internal NLB readers query through, with its own security group, and the group readers join.
   * 8086 on the nodes is open to the NLB's group and the operator CIDRs only (lib/network-stack.ts);
   * a rule naming the NLB's group lets the traffic through although the NLB preserves the client's IP
   * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html).
   */
  private readEndpoint(props: InfluxStackProps): InfluxReadAccess {
    const { environment, influxRead } = props.plan;
    const port = PORTS.influx;
    const nlbGroup = new ec2.SecurityGroup(this, 'NlbSg', { vpc: props.vpc, description: 'MetricStream InfluxDB read NLB', allowAllOutbound: false });
    const readers = new ec2.SecurityGroup(this, 'ReadersSg', { vpc: props.vpc, description: 'MetricStream InfluxDB readers (Grafana hosts join it)', allowAllOutbound: false });
    nlbGroup.addIngressRule(readers, ec2.Port.tcp(port), 'readers query InfluxDB');
    for (const cidr of props.operatorCidrs) nlbGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(port), 'operators query InfluxDB');
    readers.addEgressRule(nlbGroup, ec2.Port.tcp(port), 'queries to the InfluxDB NLB');
    nlbGroup.addEgressRule(props.securityGroup, ec2.Port.tcp(port), 'queries and health checks to the nodes');
    // remoteRule: the rule lives here, beside the NLB's group, so the Network stack never refers to this stack.
    props.securityGroup.addIngressRule(nlbGroup, ec2.Port.tcp(port), 'queries and health checks from the read NLB', true);

    const nlb = new elbv2.NetworkLoadBalancer(this, 'ReadNlb', {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [nlbGroup],
      crossZoneEnabled: influxRead.crossZone,
      deletionProtection: props.protectFromDeletion,
    });
    const hc = influxRead.healthCheck;
    const targets = new elbv2.NetworkTargetGroup(this, 'ReadTargets', {
      vpc: props.vpc,
      port,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.INSTANCE,
      targets: this.instances.map((instance) => new elbv2targets.InstanceTarget(instance, port)),
      deregistrationDelay: Duration.seconds(influxRead.deregistrationDelaySeconds),
      healthCheck: {
        protocol: elbv2.Protocol.HTTP,
        path: hc.path,
        // /ping answers 204; NLB HTTP checks accept 200-599 (API_Matcher, cited in lib/plan/load-balancer.ts).
        healthyHttpCodes: hc.successCodes,
        interval: Duration.seconds(hc.intervalSeconds),
        timeout: Duration.seconds(hc.timeoutSeconds),
        healthyThresholdCount: hc.healthyThreshold,
        unhealthyThresholdCount: hc.unhealthyThreshold,
      },
    });
    const listener = nlb.addListener('Query', { port, protocol: elbv2.Protocol.TCP, defaultTargetGroups: [targets] });
    acknowledge(
      listener,
      ['NIST.800.53.R5-ELBv2ACMCertificateRequired'],
      'A TCP pass-through inside the VPC to InfluxDB\'s HTTP API; only the readers group and the operator CIDRs reach it. TLS on the nodes (influxd https-enabled) is a follow-up, not a listener certificate.',
    );
    acknowledge(
      nlb,
      ['AwsSolutions-ELB2', 'NIST.800.53.R5-ELBLoggingEnabled'],
      'A TCP listener writes no access logs (NLB access logs cover TLS listeners only); the nodes log every query themselves.',
    );
    if (!props.protectFromDeletion) {
      acknowledge(nlb, ['NIST.800.53.R5-ELBDeletionProtectionEnabled'], `The ${environment} config turns deletion protection off so the environment can be torn down.`);
    }
    return { endpoint: nlb.loadBalancerDnsName, port, readerSecret: this.userSecrets.reader, clientSecurityGroup: readers, database: INFLUX_DATABASE };
  }
}
