import { join } from 'node:path';
import { CustomResource, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as kda from 'aws-cdk-lib/aws-kinesisanalyticsv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { flinkAlertProperties } from './plan/thresholds';
import { logRetention } from './log-retention';
import type { FlinkStartLogGroup } from './plan/observability';
import type { CapacityPlan } from './plan';
import { kafkaResourceArn } from './kafka-stack';
import { acknowledgeAssetRead, acknowledgeAwsCustomResourceProvider, acknowledgeInlinePolicy, acknowledgeStartProvider } from './nag';
import { FLINK_CONSUMER_GROUP, TOPICS } from './topics';

export interface FlinkStackProps extends StackProps {
  readonly plan: CapacityPlan;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The shaded job jar (services/flink-job/target). */
  readonly jarPath: string;
  readonly kafkaBootstrapBrokers: string;
  readonly kafkaClusterArn: string;
  readonly logsKey: kms.IKey;
}

/** The Managed Service for Apache Flink runtime the job is built for. */
export const FLINK_RUNTIME = 'FLINK-2_2';

/**
 * The Managed Service for Apache Flink application running the job jar with the planned
 * parallelism, parallelism per KPU and autoscaling, checkpointing and snapshots on, VPC access to
 * MSK, its runtime properties from the plan, and a custom resource that starts it
 * after the first deploy and after every code or configuration update.
 */
export class FlinkStack extends Stack {
  readonly application: kda.CfnApplication;
  readonly applicationName: string;

  constructor(scope: Construct, id: string, props: FlinkStackProps) {
    super(scope, id, props);
    const { flink, kafka, environment } = props.plan;
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
    // The job's two outputs: alert events (JSON) and the aggregates every InfluxDB node loads.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resources: [kafkaResourceArn(cluster, 'topic', TOPICS.alerts), kafkaResourceArn(cluster, 'topic', TOPICS.aggregates)],
      }),
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
        // The job writes no InfluxDB: each node loads this topic itself (docs/influx-loader.md).
        'aggregates.topic': TOPICS.aggregates,
        'group.id': FLINK_CONSUMER_GROUP,
      },
      window: { size: windowSize },
      alerts: flinkAlertProperties(props.plan.alarms.thresholds),
      job: { 'checkpoint.interval': `${flink.checkpointIntervalSeconds} s`, 'stats.interval': `${flink.statsIntervalSeconds} s` },
    };

    this.application = new kda.CfnApplication(this, 'Application', {
      applicationName: this.applicationName,
      applicationDescription: `MetricStream ${environment}: windowed aggregates and alerts from Kafka to Kafka`,
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
            minPauseBetweenCheckpoints: flink.minPauseBetweenCheckpointsSeconds * 1000,
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

    // CloudFormation creates and updates the application but never starts it. This resource starts
    // it when it is READY (new, or left stopped by an update or a failure) and holds the deploy
    // until it is RUNNING, failing it if the application falls back to READY or an update rolls
    // back: a green deploy means the job runs. Its properties carry the jar key and the partition
    // count, so a new jar or a new size runs it again.
    const appArn = `arn:${this.partition}:kinesisanalytics:${this.region}:${this.account}:application/${this.applicationName}`;
    const code = lambda.Code.fromAsset(join(__dirname, 'flink-start'));
    const startFunction = (id: string, handler: string, logGroupName: FlinkStartLogGroup) => {
      const fn = new lambda.Function(this, id, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: `index.${handler}`,
        code,
        timeout: Duration.seconds(flink.start.handlerTimeoutSeconds),
        logGroup: new logs.LogGroup(this, `${id}Logs`, { retention: logRetention(props.plan, logGroupName), encryptionKey: props.logsKey }),
      });
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['kinesisanalytics:DescribeApplication', 'kinesisanalytics:StartApplication'], resources: [appArn] }));
      return fn;
    };
    const provider = new cr.Provider(this, 'StartProvider', {
      onEventHandler: startFunction('StartOnEvent', 'onEvent', 'Flink start: on-event logs'),
      isCompleteHandler: startFunction('StartIsComplete', 'isComplete', 'Flink start: is-complete logs'),
      queryInterval: Duration.seconds(flink.start.pollSeconds),
      totalTimeout: Duration.minutes(flink.start.timeoutMinutes),
      waiterStateMachineLogOptions: {
        destination: new logs.LogGroup(this, 'StartWaiterLogs', { retention: logRetention(props.plan, 'Flink start: waiter logs'), encryptionKey: props.logsKey }),
        level: sfn.LogLevel.ALL,
      },
    });
    const starter = new CustomResource(this, 'StartApplication', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::FlinkApplicationRunning',
      properties: { ApplicationName: this.applicationName, Revision: { jar: jar.assetHash, partitions: kafka.partitions } },
    });
    starter.node.addDependency(this.application, logging);
    acknowledgeStartProvider(this, this.node.findChild('StartProvider'));
    for (const id of ['StartOnEvent', 'StartIsComplete']) acknowledgeStartProvider(this, this.node.findChild(id));

    acknowledgeAwsCustomResourceProvider(this);
    acknowledgeAssetRead(role);
    acknowledgeInlinePolicy(role.node.findChild('DefaultPolicy'));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Managed Flink VPC access: EC2 network-interface actions do not support resource-level permissions (AWS-documented policy for VPC applications).',
    });
  }
}
