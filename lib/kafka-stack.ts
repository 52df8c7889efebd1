import { Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { logRetention } from './log-retention';
import type { CapacityPlan } from './plan';
import { acknowledgeAwsCustomResourceProvider } from './nag';
import { topicConfigs } from './topic-configs';
import { TOPICS } from './topics';

export interface KafkaStackProps extends StackProps {
  readonly plan: CapacityPlan;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly logsKey: kms.IKey;
}


/**
 * The MSK provisioned cluster sized by the plan: brokers, broker type and EBS volume per broker, a
 * cluster configuration with the planned replication, min ISR and retention (topic auto-creation
 * off), the topics with the planned partitions, and the IAM bootstrap brokers for the clients.
 */
export class KafkaStack extends Stack {
  readonly cluster: msk.CfnCluster;
  /** `host:9098,...` for TLS with IAM auth, looked up after the cluster exists. */
  readonly bootstrapBrokers: string;
  readonly clusterName: string;
  readonly clusterArn: string;

  constructor(scope: Construct, id: string, props: KafkaStackProps) {
    super(scope, id, props);
    const { kafka, deployment } = props.plan;
    this.clusterName = `metricstream-${props.plan.environment}`;

    const key = new kms.Key(this, 'DataKey', { description: `MSK data at rest, ${this.clusterName}`, enableKeyRotation: true });
    const brokerLogs = new logs.LogGroup(this, 'BrokerLogs', { retention: logRetention(props.plan, 'MSK broker logs'), encryptionKey: props.logsKey });

    const configuration = new msk.CfnConfiguration(this, 'Configuration', {
      name: `${this.clusterName}-config`,
      description: 'MetricStream broker settings derived from the capacity plan',
      kafkaVersionsList: [deployment.kafkaVersion],
      serverProperties: [
        'auto.create.topics.enable=false',
        `default.replication.factor=${kafka.replicationFactor}`,
        `min.insync.replicas=${kafka.minInSyncReplicas}`,
        `num.partitions=${kafka.partitions}`,
        `log.retention.hours=${kafka.retentionHours}`,
        'unclean.leader.election.enable=false',
      ].join('\n'),
    });

    this.cluster = new msk.CfnCluster(this, 'Cluster', {
      clusterName: this.clusterName,
      // KRaft: the metadata mode is chosen at creation and never changes (lib/catalog/msk-versions.ts).
      kafkaVersion: deployment.kafkaVersion,
      numberOfBrokerNodes: kafka.brokers,
      brokerNodeGroupInfo: {
        instanceType: kafka.brokerInstanceType,
        clientSubnets: props.vpc.privateSubnets.map((s) => s.subnetId),
        securityGroups: [props.securityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: kafka.storagePerBrokerGiB } },
      },
      configurationInfo: { arn: configuration.attrArn, revision: configuration.attrLatestRevisionRevision },
      clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
      encryptionInfo: {
        encryptionAtRest: { dataVolumeKmsKeyId: key.keyArn },
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
      },
      enhancedMonitoring: props.plan.observability.mskEnhancedMonitoring,
      loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } } },
    });

    const topicConfig = (retentionHours: number) => Buffer.from(JSON.stringify(topicConfigs({ ...kafka, retentionHours }))).toString('base64');
    const metricsTopic = new msk.CfnTopic(this, 'MetricsTopic', {
      clusterArn: this.cluster.attrArn,
      topicName: TOPICS.metrics,
      partitionCount: kafka.partitions,
      replicationFactor: kafka.replicationFactor,
      configs: topicConfig(kafka.retentionHours),
    });
    const alertsTopic = new msk.CfnTopic(this, 'AlertsTopic', {
      clusterArn: this.cluster.attrArn,
      topicName: TOPICS.alerts,
      partitionCount: kafka.alertsTopicPartitions,
      replicationFactor: kafka.replicationFactor,
      configs: topicConfig(kafka.retentionHours),
    });
    // What every InfluxDB node loads; its retention is the plan's restore rule (lib/plan/kafka.ts).
    const aggregatesTopic = new msk.CfnTopic(this, 'AggregatesTopic', {
      clusterArn: this.cluster.attrArn,
      topicName: TOPICS.aggregates,
      partitionCount: kafka.aggregatesTopicPartitions,
      replicationFactor: kafka.replicationFactor,
      configs: topicConfig(kafka.aggregates.retentionHours),
    });

    // Deleting or replacing the stack's resources must not delete the log: the cluster keeps
    // DeletionPolicy and UpdateReplacePolicy Retain, and so do its topics (deleting one deletes its
    // records) and the configuration it uses. The data key is a kms.Key, retained by default.
    if (deployment.protectFromDeletion) {
      for (const resource of [this.cluster, configuration, metricsTopic, alertsTopic, aggregatesTopic]) resource.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }

    // A fixed physical id: the lookup's output only changes when the cluster does, so `cdk diff`
    // stays quiet between deploys.
    const bootstrap = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: this.cluster.attrArn },
        physicalResourceId: cr.PhysicalResourceId.of(`${this.clusterName}-bootstrap-brokers`),
        outputPaths: ['BootstrapBrokerStringSaslIam'],
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: [this.cluster.attrArn] }),
      ]),
      installLatestAwsSdk: false,
    });
    this.bootstrapBrokers = bootstrap.getResponseField('BootstrapBrokerStringSaslIam');
    this.clusterArn = this.cluster.attrArn;
    acknowledgeAwsCustomResourceProvider(this);
  }
}

/**
 * IAM resource ARNs inside one MSK cluster, for `kafka-cluster:*` actions. A cluster ARN is
 * `arn:…:kafka:<region>:<account>:cluster/<name>/<uuid>`; its topics and groups are
 * `…:topic/<name>/<uuid>/<topic>` and `…:group/<name>/<uuid>/<group>`.
 */
export function kafkaResourceArn(clusterArn: string, kind: 'topic' | 'group', name: string): string {
  const parts = Fn.split(':cluster/', clusterArn);
  return `${Fn.select(0, parts)}:${kind}/${Fn.select(1, parts)}/${name}`;
}
