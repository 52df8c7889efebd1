import { Annotations, Stage, type StageProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ASSET_PATHS, builtAsset } from './assets';
import type { CapacityConfig } from './config/schema';
import { refuseDeployWithPlaceholders } from './deploy-guard';
import { FlinkStack } from './flink-stack';
import { GrafanaStack } from './grafana-stack';
import { InfluxStack } from './influx-stack';
import { IngestStack } from './ingest-stack';
import { KafkaStack } from './kafka-stack';
import { MonitoringStack } from './monitoring-stack';
import { NetworkStack } from './network-stack';
import { planCapacity, type CapacityPlan } from './plan';

export interface MetricStreamStageProps extends StageProps {
  readonly config: CapacityConfig;
  /** Asset locations; the built services by default. */
  readonly assets?: { readonly ingestBundleDir: string; readonly flinkJar: string; readonly grafanaDir?: string };
}

/**
 * One environment: its plan, and the seven stacks built from it (`MetricStream-<env>-<Tier>`).
 * Every size comes from the plan; the stacks compute none.
 */
export class MetricStreamStage extends Stage {
  readonly plan: CapacityPlan;
  readonly network: NetworkStack;
  readonly kafka: KafkaStack;
  readonly influx: InfluxStack;
  readonly flink: FlinkStack;
  readonly ingest: IngestStack;
  readonly monitoring: MonitoringStack;
  readonly grafana: GrafanaStack;

  constructor(scope: Construct, id: string, props: MetricStreamStageProps) {
    super(scope, id, props);
    const { config } = props;
    const plan = (this.plan = planCapacity(config));
    const assets = props.assets ?? {
      ingestBundleDir: builtAsset(ASSET_PATHS.ingestBundleDir, 'ingest.js'),
      flinkJar: builtAsset(ASSET_PATHS.flinkJar),
    };
    const name = (tier: string) => `MetricStream-${plan.environment}-${tier}`;
    // Listeners and dashboards take no tags in cfn-lint's CloudFormation schema.
    Tags.of(this).add('metricstream:environment', plan.environment, { excludeResourceTypes: ['AWS::ElasticLoadBalancingV2::Listener', 'AWS::CloudWatch::Dashboard'] });

    this.network = new NetworkStack(this, 'Network', {
      stackName: name('Network'),
      plan,
      clientCidrs: config.access.clientCidrs,
      operatorCidrs: config.access.operatorCidrs,
    });
    const { vpc } = this.network;
    const { logsKey } = this.network;
    this.kafka = new KafkaStack(this, 'Kafka', { stackName: name('Kafka'), plan, vpc, securityGroup: this.network.kafkaSecurityGroup, logsKey });
    this.influx = new InfluxStack(this, 'Influx', {
      stackName: name('Influx'),
      plan,
      vpc,
      securityGroup: this.network.influxSecurityGroup,
      operatorCidrs: config.access.operatorCidrs,
      kafkaBootstrapBrokers: this.kafka.bootstrapBrokers,
      kafkaClusterArn: this.kafka.clusterArn,
      protectFromDeletion: config.access.protectFromDeletion,
    });
    this.flink = new FlinkStack(this, 'Flink', {
      stackName: name('Flink'),
      plan,
      vpc,
      securityGroup: this.network.flinkSecurityGroup,
      jarPath: assets.flinkJar,
      kafkaBootstrapBrokers: this.kafka.bootstrapBrokers,
      kafkaClusterArn: this.kafka.clusterArn,
      logsKey,
    });
    this.ingest = new IngestStack(this, 'Ingest', {
      stackName: name('Ingest'),
      plan,
      access: config.access,
      vpc,
      albSecurityGroup: this.network.albSecurityGroup,
      instanceSecurityGroup: this.network.ingestSecurityGroup,
      bundleDir: assets.ingestBundleDir,
      kafkaBootstrapBrokers: this.kafka.bootstrapBrokers,
      kafkaClusterArn: this.kafka.clusterArn,
    });

    this.grafana = new GrafanaStack(this, 'Grafana', {
      stackName: name('Grafana'),
      plan,
      vpc,
      operatorCidrs: config.access.operatorCidrs,
      influx: this.influx.read,
      provisioningDir: props.assets?.grafanaDir ?? ASSET_PATHS.grafanaDir,
    });

    this.monitoring = new MonitoringStack(this, 'Monitoring', {
      stackName: name('Monitoring'),
      plan,
      alarmEmail: config.access.alarmEmail,
      autoScalingGroupName: this.ingest.autoScalingGroup.autoScalingGroupName,
      loadBalancerFullName: this.ingest.loadBalancer.loadBalancerFullName,
      kafkaClusterName: this.kafka.clusterName,
      flinkApplicationName: this.flink.applicationName,
      grafana: {
        autoScalingGroupName: this.grafana.autoScalingGroup.autoScalingGroupName,
        loadBalancerFullName: this.grafana.loadBalancer.loadBalancerFullName,
        targetGroupFullName: this.grafana.targets.targetGroupFullName,
      },
    });

    // What the plan cannot make hold (a soft quota it exceeds, redundancy a tier cannot give) is a
    // CDK warning on that tier's stack: `cdk synth` prints it, `--strict` fails on it.
    const stackOf = { ingest: this.ingest, kafka: this.kafka, flink: this.flink, influx: this.influx };
    for (const w of plan.warnings) Annotations.of(stackOf[w.tier]).addWarningV2(`metricstream:plan:${w.id}`, `${w.field}: ${w.message}`);

    for (const stack of [this.network, this.kafka, this.influx, this.flink, this.ingest, this.monitoring, this.grafana]) {
      // `cdk destroy` and a console delete both stop at a protected stack.
      stack.terminationProtection = plan.deployment.protectFromDeletion;
      refuseDeployWithPlaceholders(stack, plan.environment, plan.deployment.placeholders);
    }
  }
}
