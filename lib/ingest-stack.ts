import { Duration, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { AccessConfig } from './config/schema';
import type { CapacityPlan } from './plan';
import { PORTS } from './ports';
import { TOPICS } from './topics';
import { kafkaResourceArn } from './kafka-stack';
import { accessLogBucket } from './log-bucket';
import { pinnedImageFor } from './machine-image';
import { acknowledge, acknowledgeAssetRead, acknowledgeInlinePolicy } from './nag';
import { hostRole } from './host-role';
import { ingestNodeUserData } from './user-data/ingest-node';

export interface IngestStackProps extends StackProps {
  readonly plan: CapacityPlan;
  readonly access: AccessConfig;
  readonly vpc: ec2.IVpc;
  readonly albSecurityGroup: ec2.ISecurityGroup;
  readonly instanceSecurityGroup: ec2.ISecurityGroup;
  /** Directory holding the esbuild bundle `ingest.js` (services/ingest/dist). */
  readonly bundleDir: string;
  readonly kafkaBootstrapBrokers: string;
  readonly kafkaClusterArn: string;
}

/** A pseudo parameter as cdk-nag prints it in a finding's id: its value when known at synthesis. */
const pseudo = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);

/** The termination lifecycle hook the hosts complete once drained (unique within its ASG only). */
export const TERMINATION_HOOK_NAME = 'metricstream-drain';

/**
 * The ingest tier: an internet-facing ALB (HTTPS, HTTP redirected) in front of an ASG of c6i
 * instances sized by the plan, each running the bundled ingest service under systemd with one
 * worker per vCPU, scaling on CPU as the reference intends and refreshed when the bundle changes.
 */
export class IngestStack extends Stack {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, props);
    const { ingest, environment, deployment } = props.plan;
    const { lifecycle } = ingest;

    const apiKeys = new secretsmanager.Secret(this, 'ApiKeys', {
      description: `MetricStream ${environment} ingest API keys, comma-separated`,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      encryptionKey: new kms.Key(this, 'ApiKeysKey', { description: `MetricStream ${environment} ingest API keys`, enableKeyRotation: true }),
      // The keys are in every agent's config: deleting the stack must not revoke them all. Its KMS
      // key is retained by default.
      removalPolicy: deployment.protectFromDeletion ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const bundle = new s3assets.Asset(this, 'Bundle', { path: props.bundleDir });

    const role = hostRole(this, 'InstanceRole');
    bundle.grantRead(role);
    apiKeys.grantRead(role);
    acknowledgeAssetRead(role);
    acknowledge(
      apiKeys,
      ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled'],
      'The keys are handed to every agent that sends metrics; automatic rotation would cut them off. Operators rotate them with a staged overlap.',
    );
    acknowledgeInlinePolicy(role.node.findChild('DefaultPolicy'));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
        resources: [props.kafkaClusterArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        // DescribeTopicDynamicConfiguration: the service reads the topic's max.message.bytes at start
        // (DescribeConfigs; https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html).
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:DescribeTopicDynamicConfiguration', 'kafka-cluster:WriteData'],
        resources: [kafkaResourceArn(props.kafkaClusterArn, 'topic', TOPICS.metrics)],
      }),
    );

    const userData = ingestNodeUserData({
      environment,
      region: this.region,
      bundle,
      port: PORTS.ingest,
      lifecycle,
      terminationHookName: TERMINATION_HOOK_NAME,
      serviceEnvironment: {
        NODE_ENV: 'production',
        PORT: String(PORTS.ingest),
        INGEST_HOST: '0.0.0.0',
        INGEST_WORKERS: String(ingest.workersPerInstance),
        INGEST_API_KEYS_SECRET_ID: apiKeys.secretArn,
        // Default per-key limits per instance, from the plan (keys in the secret may carry their own).
        INGEST_RATE_REQUESTS_PER_SEC: String(ingest.keyRateLimit.requestsPerSecondPerInstance),
        INGEST_RATE_POINTS_PER_SEC: String(ingest.keyRateLimit.pointsPerSecondPerInstance),
        KAFKA_BROKERS: props.kafkaBootstrapBrokers,
        KAFKA_AUTH: 'iam',
        KAFKA_TOPIC: TOPICS.metrics,
        KAFKA_MAX_MESSAGE_BYTES: String(props.plan.kafka.maxMessageBytes),
        INGEST_SPOOL_DIR: '/var/lib/metricstream/spool',
        INGEST_SPOOL_MAX_BYTES: String(ingest.spoolMaxBytes),
        // On SIGTERM, fail /health this long before closing, so the ALB stops routing first.
        INGEST_DRAIN_DELAY_MS: String(lifecycle.drainDelaySeconds * 1000),
        INGEST_DRAIN_TIMEOUT_MS: String(lifecycle.drainTimeoutSeconds * 1000),
        INGEST_KEEP_ALIVE_TIMEOUT_MS: String(lifecycle.keepAliveTimeoutSeconds * 1000),
        AWS_REGION: this.region,
      },
    });

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(ingest.instanceType),
      machineImage: pinnedImageFor(props.plan, ingest.instanceType),
      role,
      securityGroup: props.instanceSecurityGroup,
      requireImdsv2: true,
      detailedMonitoring: props.plan.observability.detailedMonitoring,
      userData,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(ingest.volumeGiB, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Fleet', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      // No desiredCapacity: in the template it would reset a scaled-out fleet to the plan's size on
      // every stack update. The group starts at minCapacity and the scaling policies own it after.
      minCapacity: ingest.minInstances,
      maxCapacity: ingest.maxInstances,
      // EC2 checks only: the ALB's /health is readiness (503 while the spool is full during an MSK
      // outage), and replacing such an instance would delete its spool. A dead service is reported by
      // the host's /live watchdog (set-instance-health).
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.seconds(lifecycle.healthCheckGraceSeconds) }),
      // Creation and every rolling update wait for each new host's cfn-signal, sent once /health is
      // ready: a broken bundle fails the first batch and rolls back instead of replacing the fleet.
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.seconds(lifecycle.signalTimeoutSeconds) }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: lifecycle.maxBatchSize,
        minInstancesInService: lifecycle.minInstancesInService,
        waitOnResourceSignals: true,
        pauseTime: Duration.seconds(lifecycle.signalTimeoutSeconds),
      }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [],
    });
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason: 'Scaling activity is in the ASG history and its group metrics; the monitoring stack alarms on what matters to clients (CPU, latency, errors).',
    });
    userData.addSignalOnExitCommand(this.autoScalingGroup);
    // A terminating host drains its spool and stops, then completes this hook itself; the heartbeat
    // only bounds a host that cannot.
    this.autoScalingGroup.addLifecycleHook('Drain', {
      lifecycleHookName: TERMINATION_HOOK_NAME,
      lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
      heartbeatTimeout: Duration.seconds(lifecycle.terminationHeartbeatSeconds),
      defaultResult: autoscaling.DefaultResult.CONTINUE,
    });
    // Scoped to this group. A separate policy: in the role's default policy the group's name would
    // make the launch template (and so the group) depend on the group.
    const lifecyclePolicy = new iam.Policy(this, 'LifecyclePolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat', 'autoscaling:SetInstanceHealth'],
          resources: [this.autoScalingGroup.autoScalingGroupArn],
        }),
        // Describe actions take no resource-level permissions.
        new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingInstances'], resources: ['*'] }),
      ],
    });
    acknowledgeInlinePolicy(lifecyclePolicy);
    Validations.of(lifecyclePolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${pseudo(this.partition, 'Partition')}:autoscaling:${pseudo(this.region, 'Region')}:${pseudo(this.account, 'AccountId')}:autoScalingGroup:*:autoScalingGroupName/<${this.getLogicalId(this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup)}>]`,
      reason: 'The one group of this stack by name; the wildcard is the group id part of its ARN, which is not known before creation.',
    });
    Validations.of(lifecyclePolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'autoscaling:DescribeAutoScalingInstances supports no resource-level permissions; the host reads its own group name with it.',
    });
    acknowledge(
      this.autoScalingGroup,
      ['NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired'],
      "On purpose: the ALB's /health is readiness, 503 while the spool is full during an MSK outage; ELB checks would replace those instances and delete their spools. The host reports a dead service itself (/live watchdog, set-instance-health).",
    );

    const cpuMetric = new cloudwatch.Metric({
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
      period: Duration.seconds(ingest.scalingMetricPeriodSeconds),
      statistic: 'Average',
    });
    // Reference intent (the plan's numbers): above 70 % for 3 minutes add 2 instances; below 40 % for 10 minutes remove 1.
    new autoscaling.StepScalingPolicy(this, 'ScaleOut', {
      autoScalingGroup: this.autoScalingGroup,
      metric: cpuMetric,
      scalingSteps: [
        { upper: ingest.scaleOutCpuPercent, change: 0 },
        { lower: ingest.scaleOutCpuPercent, change: ingest.scaleOutInstances },
      ],
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      evaluationPeriods: ingest.scaleOutEvaluationPeriods,
      estimatedInstanceWarmup: Duration.minutes(ingest.instanceWarmupMinutes),
    });
    new autoscaling.StepScalingPolicy(this, 'ScaleIn', {
      autoScalingGroup: this.autoScalingGroup,
      metric: cpuMetric,
      scalingSteps: [
        { upper: ingest.scaleInCpuPercent, change: -ingest.scaleInInstances },
        { lower: ingest.scaleInCpuPercent, change: 0 },
      ],
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      evaluationPeriods: ingest.scaleInEvaluationPeriods,
    });

    const accessLogs = accessLogBucket(this, 'AlbAccessLogs', props.plan);
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      // Clients on a private network reach an internal ALB (workload.clientNetwork).
      internetFacing: props.plan.network.internetFacingLoadBalancer,
      vpcSubnets: { subnetType: props.plan.network.internetFacingLoadBalancer ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: props.albSecurityGroup,
      dropInvalidHeaderFields: true,
      idleTimeout: Duration.seconds(lifecycle.loadBalancerIdleTimeoutSeconds),
      deletionProtection: props.access.protectFromDeletion,
    });
    if (!props.access.protectFromDeletion) {
      acknowledge(this.loadBalancer, ['NIST.800.53.R5-ELBDeletionProtectionEnabled'], `The ${environment} config turns deletion protection off so the environment can be torn down.`);
    }
    acknowledge(
      this.loadBalancer,
      ['NIST.800.53.R5-ALBWAFEnabled'],
      'Ingest requests are authenticated API writes of metrics; AWS WAF bills per request ($0.60 per million), which at the planned rate would cost more than the whole platform.',
    );
    this.loadBalancer.logAccessLogs(accessLogs, 'alb');

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: PORTS.ingest,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.autoScalingGroup],
      loadBalancingAlgorithmType: elbv2.TargetGroupLoadBalancingAlgorithmType.LEAST_OUTSTANDING_REQUESTS,
      deregistrationDelay: Duration.seconds(lifecycle.deregistrationDelaySeconds),
      // Readiness: the ALB routes only to hosts that can take data.
      healthCheck: {
        path: '/health',
        healthyHttpCodes: '200',
        interval: Duration.seconds(lifecycle.healthCheckIntervalSeconds),
        timeout: Duration.seconds(lifecycle.healthCheckTimeoutSeconds),
        healthyThresholdCount: lifecycle.healthyThreshold,
        unhealthyThresholdCount: lifecycle.unhealthyThreshold,
      },
    });

    if (props.access.plainHttp) {
      const http = this.loadBalancer.addListener('Http', { port: 80, open: false, defaultTargetGroups: [this.targetGroup] });
      acknowledge(
        http,
        ['NIST.800.53.R5-ALBHttpToHttpsRedirection', 'NIST.800.53.R5-ELBv2ACMCertificateRequired'],
        `The ${environment} config asks for plain HTTP (access.plainHttp, refused for prod): a private test endpoint without a domain.`,
      );
    } else {
      // With a hosted zone, ACM's validation CNAME is written into it and the deploy completes on its
      // own; without one, someone must publish it before the request times out.
      const zone = deployment.hostedZoneId ? route53.HostedZone.fromHostedZoneId(this, 'Zone', deployment.hostedZoneId) : undefined;
      const certificate = props.access.certificateArn
        ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.access.certificateArn)
        : new acm.Certificate(this, 'Certificate', { domainName: props.access.ingestDomainName!, validation: acm.CertificateValidation.fromDns(zone) });
      this.loadBalancer.addListener('Https', {
        port: 443,
        open: false,
        certificates: [certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultTargetGroups: [this.targetGroup],
      });
      const redirect = this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
      acknowledge(redirect, ['NIST.800.53.R5-ELBv2ACMCertificateRequired'], 'This listener only redirects HTTP to the HTTPS listener, which carries the certificate.');
    }
  }
}
