import { type CfnResource, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as kda from 'aws-cdk-lib/aws-kinesisanalyticsv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { logRetention } from './log-retention';
import type { CapacityPlan } from './plan';
import { kafkaResourceArn } from './kafka-stack';
import { acknowledgeAssetRead, acknowledgeAwsCustomResourceProvider, acknowledgeInlinePolicy } from './nag';
import { FLINK_CONSUMER_GROUP, INFLUX_DATABASE, INFLUX_RETENTION_POLICY, TOPICS } from './topics';

export interface FlinkStackProps extends StackProps {
  readonly plan: CapacityPlan;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The shaded job jar (services/flink-job/target). */
  readonly jarPath: string;
  readonly kafkaBootstrapBrokers: string;
  readonly kafkaClusterArn: string;
  /** `http://host:8086` of every InfluxDB node, in node order. */
  readonly influxEndpoints: readonly string[];
  readonly logsKey: kms.IKey;
}

/** The Managed Service for Apache Flink runtime the job is built for. */
export const FLINK_RUNTIME = 'FLINK-2_2';

/**
 * The Managed Service for Apache Flink application running the job jar with the planned
 * parallelism, parallelism per KPU and autoscaling, checkpointing and snapshots on, VPC access to
 * MSK and InfluxDB, its runtime properties from the plan, and a custom resource that starts it
 * after the first deploy and after every code or configuration update.
 */
export class FlinkStack extends Stack {
  readonly application: kda.CfnApplication;
  readonly applicationName: string;

  constructor(scope: Construct, id: string, props: FlinkStackProps) {
    super(scope, id, props);
    const { flink, kafka, influx, environment } = props.plan;
    this.applicationName = `metricstream-${environment}`;

    const jar = new s3assets.Asset(this, 'JobJar', { path: props.jarPath });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logRetention(props.plan, 'Flink logs'), encryptionKey: props.logsKey });
    const logStream = new logs.LogStream(this, 'LogStream', { logGroup });

    const role = new iam.Role(this, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('kinesisanalytics.amazonaws.com') });
    jar.grantRead(role);
    logGroup.grantWrite(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups', 'logs:DescribeLogStreams'], resources: [logGroup.logGroupArn] }));
    // VPC access: the service attaches network interfaces in our subnets.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:DescribeVpcs',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeDhcpOptions',
          'ec2:DescribeNetworkInterfaces',
          'ec2:CreateNetworkInterface',
          'ec2:CreateNetworkInterfacePermission',
          'ec2:DeleteNetworkInterface',
        ],
        resources: ['*'],
      }),
    );
    const cluster = props.kafkaClusterArn;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
        resources: [cluster],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], resources: [kafkaResourceArn(cluster, 'topic', TOPICS.metrics)] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], resources: [kafkaResourceArn(cluster, 'topic', TOPICS.alerts)] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
        resources: [kafkaResourceArn(cluster, 'group', FLINK_CONSUMER_GROUP)],
      }),
    );

    const windowSize = `${flink.windowSeconds} s`;
    const propertyGroups: Record<string, Record<string, string>> = {
      kafka: {
        'bootstrap.servers': props.kafkaBootstrapBrokers,
        'auth.mode': 'iam',
        'metrics.topic': TOPICS.metrics,
        'alerts.topic': TOPICS.alerts,
        'group.id': FLINK_CONSUMER_GROUP,
      },
      influx: {
        endpoints: props.influxEndpoints.join(','),
        'replication.factor': String(influx.replicationFactor),
        database: INFLUX_DATABASE,
        'retention.policy': INFLUX_RETENTION_POLICY,
        // The nodes create the database with its retention at boot.
        'create.databases': 'false',
      },
      window: { size: windowSize },
      job: { 'checkpoint.interval': `${flink.checkpointIntervalSeconds} s` },
    };

    this.application = new kda.CfnApplication(this, 'Application', {
      applicationName: this.applicationName,
      applicationDescription: `MetricStream ${environment}: windowed aggregates and alerts from Kafka into InfluxDB`,
      runtimeEnvironment: FLINK_RUNTIME,
      serviceExecutionRole: role.roleArn,
      applicationConfiguration: {
        applicationCodeConfiguration: {
          codeContentType: 'ZIPFILE',
          codeContent: { s3ContentLocation: { bucketArn: jar.bucket.bucketArn, fileKey: jar.s3ObjectKey } },
        },
        applicationSnapshotConfiguration: { snapshotsEnabled: true },
        environmentProperties: {
          propertyGroups: Object.entries(propertyGroups).map(([propertyGroupId, propertyMap]) => ({ propertyGroupId, propertyMap })),
        },
        flinkApplicationConfiguration: {
          checkpointConfiguration: {
            configurationType: 'CUSTOM',
            checkpointingEnabled: true,
            checkpointInterval: flink.checkpointIntervalSeconds * 1000,
            minPauseBetweenCheckpoints: 5000,
          },
          monitoringConfiguration: { configurationType: 'CUSTOM', logLevel: props.plan.observability.flinkLogLevel, metricsLevel: props.plan.observability.flinkMetricsLevel },
          parallelismConfiguration: {
            configurationType: 'CUSTOM',
            parallelism: flink.parallelism,
            parallelismPerKpu: flink.parallelismPerKpu,
            autoScalingEnabled: flink.autoScalingEnabled,
          },
        },
        vpcConfigurations: [{ subnetIds: props.vpc.privateSubnets.map((s) => s.subnetId), securityGroupIds: [props.securityGroup.securityGroupId] }],
      },
    });
    this.application.node.addDependency(role);
    const logging = new kda.CfnApplicationCloudWatchLoggingOption(this, 'Logging', {
      applicationName: this.applicationName,
      cloudWatchLoggingOption: { logStreamArn: `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:${logGroup.logGroupName}:log-stream:${logStream.logStreamName}` },
    });
    logging.addResourceDependency(this.application);

    // CloudFormation creates and updates the application but never starts it. The call carries the
    // jar key and the partition count, so a new jar or a new size runs it again; starting an
    // application that is already running (updates restart it themselves) is not an error.
    const start: cr.AwsSdkCall = {
      service: 'KinesisAnalyticsV2',
      action: 'startApplication',
      parameters: {
        ApplicationName: this.applicationName,
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' } },
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${this.applicationName}-start`),
      ignoreErrorCodesMatching: 'ResourceInUseException',
    };
    const starter = new cr.AwsCustomResource(this, 'StartApplication', {
      onCreate: start,
      onUpdate: start,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['kinesisanalytics:StartApplication', 'kinesisanalytics:DescribeApplication'],
          resources: [`arn:${this.partition}:kinesisanalytics:${this.region}:${this.account}:application/${this.applicationName}`],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    (starter.node.findChild('Resource').node.defaultChild as CfnResource).addPropertyOverride('Revision', {
      jar: jar.assetHash,
      partitions: kafka.partitions,
    });
    starter.node.addDependency(this.application, logging);

    acknowledgeAwsCustomResourceProvider(this);
    acknowledgeAssetRead(role);
    acknowledgeInlinePolicy(role.node.findChild('DefaultPolicy'));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Managed Flink VPC access: EC2 network-interface actions do not support resource-level permissions (AWS-documented policy for VPC applications).',
    });
  }
}
