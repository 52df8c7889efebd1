import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { AccessConfig } from './capacity-config';
import type { CapacityPlan } from './plan';
import { PORTS } from './ports';
import { TOPICS } from './topics';
import { kafkaResourceArn } from './kafka-stack';
import { accessLogBucket } from './log-bucket';
import { amazonLinuxFor } from './machine-image';
import { acknowledge, acknowledgeAssetRead, acknowledgeInlinePolicy, acknowledgeInstanceRolePolicies } from './nag';
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

/** Seconds the ALB keeps sending in-flight requests to a deregistering target. */
export const DEREGISTRATION_DELAY_SECONDS = 30;
const HEALTH_CHECK_INTERVAL_SECONDS = 10;
const UNHEALTHY_THRESHOLD = 2;

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
    const { ingest, environment } = props.plan;

    const apiKeys = new secretsmanager.Secret(this, 'ApiKeys', {
      description: `MetricStream ${environment} ingest API keys, comma-separated`,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      encryptionKey: new kms.Key(this, 'ApiKeysKey', { description: `MetricStream ${environment} ingest API keys`, enableKeyRotation: true }),
    });
    const bundle = new s3assets.Asset(this, 'Bundle', { path: props.bundleDir });

    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'),
      ],
    });
    bundle.grantRead(role);
    apiKeys.grantRead(role);
    acknowledgeAssetRead(role);
    acknowledgeInstanceRolePolicies(role);
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
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resources: [kafkaResourceArn(props.kafkaClusterArn, 'topic', TOPICS.metrics)],
      }),
    );

    const userData = ingestNodeUserData({
      environment,
      bundle,
      serviceEnvironment: {
        NODE_ENV: 'production',
        PORT: String(PORTS.ingest),
        INGEST_HOST: '0.0.0.0',
        INGEST_WORKERS: String(ingest.workersPerInstance),
        INGEST_API_KEYS_SECRET_ID: apiKeys.secretArn,
        KAFKA_BROKERS: props.kafkaBootstrapBrokers,
        KAFKA_AUTH: 'iam',
        KAFKA_TOPIC: TOPICS.metrics,
        INGEST_SPOOL_DIR: '/var/lib/metricstream/spool',
        // On SIGTERM, fail /health this long before closing, so the ALB (2 failed checks 10 s apart)
        // stops routing first.
        INGEST_DRAIN_DELAY_MS: String(HEALTH_CHECK_INTERVAL_SECONDS * UNHEALTHY_THRESHOLD * 1000),
        AWS_REGION: this.region,
      },
    });

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(ingest.instanceType),
      machineImage: amazonLinuxFor(ingest.instanceType),
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
      minCapacity: ingest.minInstances,
      desiredCapacity: ingest.desiredInstances,
      maxCapacity: ingest.maxInstances,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({ additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB], gracePeriod: Duration.minutes(5) }),
      // A new bundle or launch template replaces instances a few at a time behind the ALB.
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ maxBatchSize: ingest.rollingUpdateBatchSize, minInstancesInService: ingest.minInstances }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [],
    });
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason: 'Scaling activity is in the ASG history and its group metrics; the monitoring stack alarms on what matters to clients (CPU, latency, errors).',
    });
    // Scale-in gives the service time to drain after the ALB stopped routing to it.
    this.autoScalingGroup.addLifecycleHook('Drain', {
      lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
      heartbeatTimeout: Duration.seconds(DEREGISTRATION_DELAY_SECONDS + 60),
      defaultResult: autoscaling.DefaultResult.CONTINUE,
    });

    const cpuMetric = new cloudwatch.Metric({
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
      period: Duration.minutes(1),
      statistic: 'Average',
    });
    // Reference intent: above 70 % for 3 minutes add 2 instances; below 40 % for 10 minutes remove 1.
    new autoscaling.StepScalingPolicy(this, 'ScaleOut', {
      autoScalingGroup: this.autoScalingGroup,
      metric: cpuMetric,
      scalingSteps: [
        { upper: ingest.scaleOutCpuPercent, change: 0 },
        { lower: ingest.scaleOutCpuPercent, change: 2 },
      ],
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      evaluationPeriods: 3,
      // New instances need about a minute to boot and join the target group.
      estimatedInstanceWarmup: Duration.minutes(1),
    });
    new autoscaling.StepScalingPolicy(this, 'ScaleIn', {
      autoScalingGroup: this.autoScalingGroup,
      metric: cpuMetric,
      scalingSteps: [
        { upper: ingest.scaleInCpuPercent, change: -1 },
        { lower: ingest.scaleInCpuPercent, change: 0 },
      ],
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      evaluationPeriods: 10,
    });

    const accessLogs = accessLogBucket(this, 'AlbAccessLogs', props.plan);
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      // Clients on a private network reach an internal ALB (workload.clientNetwork).
      internetFacing: props.plan.network.internetFacingLoadBalancer,
      vpcSubnets: { subnetType: props.plan.network.internetFacingLoadBalancer ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: props.albSecurityGroup,
      dropInvalidHeaderFields: true,
      idleTimeout: Duration.seconds(60),
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
      deregistrationDelay: Duration.seconds(DEREGISTRATION_DELAY_SECONDS),
      healthCheck: {
        path: '/health',
        healthyHttpCodes: '200',
        interval: Duration.seconds(HEALTH_CHECK_INTERVAL_SECONDS),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: UNHEALTHY_THRESHOLD,
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
      const certificate = props.access.certificateArn
        ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.access.certificateArn)
        : new acm.Certificate(this, 'Certificate', { domainName: props.access.ingestDomainName!, validation: acm.CertificateValidation.fromDns() });
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
