import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { CapacityPlan } from './plan';
import type { Threshold, WarningAndCritical } from './plan/thresholds';
import { HOST_METRICS_NAMESPACE } from './user-data/cloudwatch-agent';

export interface MonitoringStackProps extends StackProps {
  readonly plan: CapacityPlan;
  readonly alarmEmail?: string;
  readonly autoScalingGroupName: string;
  /** `app/<name>/<id>` of the ingest ALB. */
  readonly loadBalancerFullName: string;
  readonly kafkaClusterName: string;
  readonly flinkApplicationName: string;
  /** The Grafana server's Auto Scaling group and its ALB target group (`targetgroup/<name>/<id>`). */
  readonly grafana: { readonly autoScalingGroupName: string; readonly loadBalancerFullName: string; readonly targetGroupFullName: string };
}

/**
 * Alarms with the reference document's warning and critical thresholds on every tier (CPU, memory,
 * disk, p99 latency, error rate), an SNS topic they notify, and one dashboard of the pipeline.
 */
export class MonitoringStack extends Stack {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { plan } = props;
    const env = plan.environment;
    const thresholds = plan.alarms.thresholds;
    const period = Duration.seconds(plan.alarms.periodSeconds);

    const topicKey = new kms.Key(this, 'TopicKey', { description: `MetricStream ${env} alarm topic`, enableKeyRotation: true });
    // CloudWatch publishes alarm notifications to an encrypted topic only if the key lets it
    // generate data keys and decrypt; without this every alarm action fails silently.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Alarms', {
      displayName: `MetricStream ${env} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const minutely = (namespace: string, metricName: string, dimensionsMap: Record<string, string>, statistic: string) =>
      new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period });
    const alb = (metricName: string, statistic: string) =>
      minutely('AWS/ApplicationELB', metricName, { LoadBalancer: props.loadBalancerFullName }, statistic);
    const hosts = (metricName: string, tier: string) =>
      minutely(HOST_METRICS_NAMESPACE, metricName, { Environment: env, Tier: tier }, 'Maximum');
    const ec2Cpu = (dimensionsMap: Record<string, string>) => minutely('AWS/EC2', 'CPUUtilization', dimensionsMap, 'Average');

    const ingestCpu = ec2Cpu({ AutoScalingGroupName: props.autoScalingGroupName });
    this.warnAndCrit('IngestCpu', 'ingest fleet CPU %', ingestCpu, thresholds.cpuPercent);
    this.warnAndCrit('IngestMemory', 'ingest host memory %', hosts('mem_used_percent', 'ingest'), thresholds.memoryPercent);
    this.warnAndCrit('IngestDisk', 'ingest host disk %', hosts('disk_used_percent', 'ingest'), thresholds.diskPercent);
    const p99 = alb('TargetResponseTime', 'p99');
    this.warnAndCrit('IngestLatencyP99', 'ingest p99 latency s', p99, thresholds.p99LatencySeconds);
    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * (FILL(t5xx, 0) + FILL(e5xx, 0)) / MAX([requests, 1])',
      usingMetrics: { t5xx: alb('HTTPCode_Target_5XX_Count', 'Sum'), e5xx: alb('HTTPCode_ELB_5XX_Count', 'Sum'), requests: alb('RequestCount', 'Sum') },
      label: 'ingest 5xx %',
      period,
    });
    this.alarm('IngestErrorRateCritical', 'critical: ingest 5xx %', errorRate, thresholds.errorRatePercent.critical);

    // Per node by its number (the agent's Node dimension), not its instance id: nothing crosses
    // stacks that a node replacement would change.
    for (let node = 0; node < plan.influx.nodeCount; node++) {
      const cpu = minutely(HOST_METRICS_NAMESPACE, 'cpu_usage_active', { Environment: env, Tier: 'influx', Node: String(node) }, 'Average');
      this.warnAndCrit(`InfluxNode${node}Cpu`, `InfluxDB node ${node} CPU %`, cpu, thresholds.cpuPercent);
    }
    this.warnAndCrit('InfluxMemory', 'InfluxDB memory %', hosts('mem_used_percent', 'influx'), thresholds.memoryPercent);
    this.warnAndCrit('InfluxDisk', 'InfluxDB disk %', hosts('disk_used_percent', 'influx'), thresholds.diskPercent);

    for (let broker = 1; broker <= plan.kafka.brokers; broker++) {
      const disk = minutely('AWS/Kafka', 'KafkaDataLogsDiskUsed', { 'Cluster Name': props.kafkaClusterName, 'Broker ID': String(broker) }, 'Maximum');
      this.warnAndCrit(`KafkaBroker${broker}Disk`, `Kafka broker ${broker} disk %`, disk, thresholds.diskPercent);
    }
    const flinkDowntime = minutely('AWS/KinesisAnalytics', 'downtime', { Application: props.flinkApplicationName }, 'Maximum');
    this.alarm('FlinkDowntimeCritical', 'critical: Flink job down (ms)', flinkDowntime, thresholds.flinkDowntimeMs.critical);

    // Grafana is off the data path: CPU, memory and disk, and a server that stays out of service longer than a
    // deploy's replacement of it (plan.grafana.downAlarm). ELB publishes target-group metrics while
    // requests flow (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html),
    // so a minute without data is no evidence either way: missing data does not change the state.
    this.warnAndCrit('GrafanaCpu', 'Grafana server CPU %', ec2Cpu({ AutoScalingGroupName: props.grafana.autoScalingGroupName }), thresholds.cpuPercent);
    this.warnAndCrit('GrafanaMemory', 'Grafana server memory %', hosts('mem_used_percent', 'grafana'), thresholds.memoryPercent);
    this.warnAndCrit('GrafanaDisk', 'Grafana server disk %', hosts('disk_used_percent', 'grafana'), thresholds.diskPercent);
    const grafanaHealthy = minutely('AWS/ApplicationELB', 'HealthyHostCount', { LoadBalancer: props.grafana.loadBalancerFullName, TargetGroup: props.grafana.targetGroupFullName }, 'Minimum');
    this.alarm('GrafanaDownCritical', 'critical: Grafana healthy servers', grafanaHealthy, plan.grafana.downAlarm, {
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      missing: cloudwatch.TreatMissingData.IGNORE,
    });

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `MetricStream-${env}`,
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Ingest requests/min', left: [alb('RequestCount', 'Sum')], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Ingest p99 latency (s)', left: [p99], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Ingest 5xx %', left: [errorRate], width: 8 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Ingest CPU %', left: [ingestCpu], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Flink downtime (ms)', left: [flinkDowntime], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Host memory and disk %', left: [hosts('mem_used_percent', 'influx'), hosts('disk_used_percent', 'influx')], width: 8 }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }

  private warnAndCrit(id: string, what: string, metric: cloudwatch.IMetric, thresholds: WarningAndCritical): void {
    this.alarm(`${id}Warning`, `warning: ${what}`, metric, thresholds.warning);
    this.alarm(`${id}Critical`, `critical: ${what}`, metric, thresholds.critical);
  }

  private alarm(
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    threshold: Threshold,
    { comparison = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, missing = cloudwatch.TreatMissingData.NOT_BREACHING } = {},
  ): void {
    const sign = comparison === cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD ? '<' : '>';
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: `MetricStream ${this.stackName}: ${description} ${sign} ${threshold.value} for ${threshold.minutes} min`,
      metric,
      threshold: threshold.value,
      evaluationPeriods: threshold.minutes,
      comparisonOperator: comparison,
      treatMissingData: missing,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
