import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { InfluxReadAccess } from './influx/read-access';
import { pinnedImageFor } from './machine-image';
import { acknowledge, acknowledgeAssetRead, acknowledgeInlinePolicy } from './nag';
import { hostRole } from './host-role';
import type { CapacityPlan } from './plan';
import { PORTS } from './ports';
import { grafanaNodeUserData } from './user-data/grafana-node';

export interface GrafanaStackProps extends StackProps {
  readonly plan: CapacityPlan;
  readonly vpc: ec2.IVpc;
  readonly operatorCidrs: readonly string[];
  /** The Influx stack's read access: its internal NLB over the replicas, the read-only user, the readers' group. */
  readonly influx: InfluxReadAccess;
  /** The repository's grafana/ directory: provisioning/ and dashboards/. */
  readonly provisioningDir: string;
}

/**
 * Grafana OSS, the visualization tier: an Auto Scaling group of exactly the plan's servers (one: a
 * dead host is replaced, its state is in the database), its metadata in RDS PostgreSQL, its admin and
 * database credentials in Secrets Manager, behind an ALB only the operator CIDRs reach. Datasources
 * and dashboards come from the repository (grafana/), shipped as an asset and provisioned at boot.
 */
export class GrafanaStack extends Stack {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly targets: elbv2.ApplicationTargetGroup;
  readonly database: rds.DatabaseInstance;
  readonly instanceSecurityGroup: ec2.SecurityGroup;
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly albSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: GrafanaStackProps) {
    super(scope, id, props);
    const { grafana: g, environment } = props.plan;
    const db = g.database;
    const protect = db.deletionProtection;

    const key = new kms.Key(this, 'Key', { description: `MetricStream ${environment} Grafana secrets and database`, enableKeyRotation: true });

    // Security groups: operators -> ALB -> Grafana -> PostgreSQL, nothing else in.
    this.albSecurityGroup = new ec2.SecurityGroup(this, 'AlbSg', { vpc: props.vpc, description: 'MetricStream Grafana ALB', allowAllOutbound: false });
    // Outbound: dnf (Grafana's and Amazon Linux's repositories), Secrets Manager, S3 and the RDS CA bundle over the NAT gateways.
    this.instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSg', { vpc: props.vpc, description: 'MetricStream Grafana server', allowAllOutbound: true });
    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSg', { vpc: props.vpc, description: 'MetricStream Grafana PostgreSQL', allowAllOutbound: false });
    const listenerPort = g.listener.plainHttp ? 80 : 443;
    for (const cidr of props.operatorCidrs) {
      this.albSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(listenerPort), `operators over ${g.listener.plainHttp ? 'HTTP' : 'HTTPS'}`);
    }
    this.albSecurityGroup.addEgressRule(this.instanceSecurityGroup, ec2.Port.tcp(PORTS.grafana), 'ALB to Grafana');
    this.instanceSecurityGroup.addIngressRule(this.albSecurityGroup, ec2.Port.tcp(PORTS.grafana), 'requests and health checks from the ALB');
    this.databaseSecurityGroup.addIngressRule(this.instanceSecurityGroup, ec2.Port.tcp(PORTS.postgres), 'Grafana to its database');

    const adminSecret = new secretsmanager.Secret(this, 'AdminSecret', {
      description: `MetricStream ${environment} Grafana admin login`,
      encryptionKey: key,
      generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'admin' }), generateStringKey: 'password', passwordLength: 32, excludePunctuation: true },
      removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.database = new rds.DatabaseInstance(this, 'Database', {
      // Pinned like the AMI and Grafana: a minor version is a reviewed change (template:diff shows it),
      // not an upgrade RDS applies on its own, which would leave the template behind the instance.
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_9 }),
      instanceType: new ec2.InstanceType(db.instanceClass.replace(/^db\./, '')),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.databaseSecurityGroup],
      port: PORTS.postgres,
      databaseName: 'grafana',
      // Letters and digits: the password goes into the service's systemd EnvironmentFile unquoted.
      credentials: rds.Credentials.fromGeneratedSecret('grafana', { encryptionKey: key, excludeCharacters: ` !"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~` }),
      allocatedStorage: db.storageGiB,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      storageEncryptionKey: key,
      multiAz: db.multiAz,
      backupRetention: Duration.days(db.backupRetentionDays),
      deletionProtection: protect,
      // A protected database is snapshotted when its stack is deleted; dev's is simply removed.
      removalPolicy: protect ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      autoMinorVersionUpgrade: false,
      publiclyAccessible: false,
      copyTagsToSnapshot: true,
    });
    const databaseSecret = this.database.secret!;
    // The password of the snapshot a protected database leaves behind: kept with it.
    (this.database.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    acknowledge(
      this.database,
      ['AwsSolutions-RDS6'],
      "Grafana logs in to its database with a password (Grafana's database settings have no IAM authentication); the password is generated into Secrets Manager and the database admits Grafana's security group only.",
    );
    acknowledge(this.database, ['AwsSolutions-RDS11'], "The database admits only the Grafana server's security group; a non-default port would add nothing but configuration.");
    acknowledge(
      this.database,
      ['NIST.800.53.R5-RDSEnhancedMonitoringEnabled', 'NIST.800.53.R5-RDSLoggingEnabled[LogExport::postgresql]', 'NIST.800.53.R5-RDSLoggingEnabled[LogExport::upgrade]'],
      "Grafana's metadata database carries a few queries a minute; RDS's basic CloudWatch metrics suffice, and enhanced monitoring or exported logs would be billed log groups for nothing to act on.",
    );
    acknowledge(
      this.database,
      ['NIST.800.53.R5-RDSInBackupPlan'],
      `RDS's automated backups (${db.backupRetentionDays} days, point-in-time restore: grafana.database.backupRetentionDays) are the backup of this database; an AWS Backup plan would keep a second, billed copy.`,
    );
    if (!db.multiAz) {
      acknowledge(
        this.database,
        ['AwsSolutions-RDS3', 'NIST.800.53.R5-RDSMultiAZSupport'],
        `The ${environment} config runs Grafana's database in one AZ (grafana.database.multiAz): losing it loses dashboards only until the restore from its automated backups.`,
      );
    }
    if (!protect) {
      acknowledge(
        this.database,
        ['AwsSolutions-RDS10', 'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled'],
        `The ${environment} config turns deletion protection off (grafana.database.deletionProtection) so the environment can be torn down.`,
      );
    }
    // The database's generated secret is its child "Secret"; `database.secret` is the attachment to it.
    for (const secret of [adminSecret, this.database.node.findChild('Secret')]) {
      acknowledge(
        secret,
        ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled'],
        'Grafana reads this credential at boot only; rotating it under a running server would lock it out until the host is replaced, so operators rotate it with a host replacement.',
      );
    }

    const provisioning = new s3assets.Asset(this, 'Provisioning', { path: props.provisioningDir });
    const role = hostRole(this, 'InstanceRole');
    provisioning.grantRead(role);
    for (const secret of [adminSecret, databaseSecret]) secret.grantRead(role);
    // The reader's secret is the Influx stack's: granted in this role's policy alone, because
    // grantRead would also write this role into that stack's key policy, and that stack cannot
    // refer to this one (this one refers to it). The key's policy lets the account's IAM policies grant it.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [props.influx.readerSecret.secretArn] }));
    const readerKey = props.influx.readerSecret.encryptionKey;
    if (readerKey) {
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [readerKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
        }),
      );
    }
    acknowledgeAssetRead(role);
    acknowledgeInlinePolicy(role.node.findChild('DefaultPolicy'));

    const scheme = g.listener.plainHttp ? 'http' : 'https';
    const userData = grafanaNodeUserData({
      environment,
      region: this.region,
      port: PORTS.grafana,
      provisioning,
      adminSecretArn: adminSecret.secretArn,
      databaseSecretArn: databaseSecret.secretArn,
      influx: { url: `http://${props.influx.endpoint}:${props.influx.port}`, database: props.influx.database, readerSecretArn: props.influx.readerSecret.secretArn },
      rootUrl: g.listener.plainHttp ? '' : `${scheme}://${g.listener.domainName}/`,
      readinessTimeoutSeconds: g.lifecycle.readinessTimeoutSeconds,
      readinessPollSeconds: g.lifecycle.readinessPollSeconds,
    });

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(g.instanceType),
      machineImage: pinnedImageFor(props.plan, g.instanceType),
      role,
      securityGroup: this.instanceSecurityGroup,
      requireImdsv2: true,
      userData,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(g.rootVolumeGiB, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    // The InfluxDB client group joins by id only: in the template's connections the ALB target rules
    // would be written into that group's stack too, which this stack depends on.
    (launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate).addPropertyOverride('LaunchTemplateData.SecurityGroupIds', [
      this.instanceSecurityGroup.securityGroupId,
      props.influx.clientSecurityGroup.securityGroupId,
    ]);

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Server', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: g.instances,
      maxCapacity: g.instances,
      // The ALB's /api/health check too: a Grafana that stops answering is replaced, not only a dead instance.
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({ additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB], gracePeriod: Duration.seconds(g.lifecycle.healthCheckGraceSeconds) }),
      // Creation and every update wait for the new server's cfn-signal, sent once /api/health reports the database ok.
      signals: autoscaling.Signals.waitForAll({ timeout: Duration.seconds(g.lifecycle.signalTimeoutSeconds) }),
      // One server and max = min: an update replaces it in place (a minute of no dashboards; the state is in PostgreSQL).
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        minInstancesInService: 0,
        waitOnResourceSignals: true,
        pauseTime: Duration.seconds(g.lifecycle.signalTimeoutSeconds),
      }),
    });
    userData.addSignalOnExitCommand(this.autoScalingGroup);
    acknowledge(this.autoScalingGroup, ['AwsSolutions-AS3'], 'A replaced Grafana server shows in the group activity history; operators notice a missing dashboard first.');
    this.autoScalingGroup.node.addDependency(this.database);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: g.loadBalancer.internetFacing,
      vpcSubnets: { subnetType: g.loadBalancer.internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: this.albSecurityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.plan.deployment.protectFromDeletion,
    });
    if (!props.plan.deployment.protectFromDeletion) {
      acknowledge(this.loadBalancer, ['NIST.800.53.R5-ELBDeletionProtectionEnabled'], `The ${environment} config turns deletion protection off so the environment can be torn down.`);
    }
    acknowledge(
      this.loadBalancer,
      ['AwsSolutions-ELB2', 'NIST.800.53.R5-ELBLoggingEnabled', 'NIST.800.53.R5-ALBWAFEnabled'],
      "Operators-only: the security group admits the operator CIDRs alone and Grafana authenticates every user and logs its requests; WAF and access logs would bill for traffic that is a few dashboards' refreshes.",
    );

    const targets = (this.targets = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: PORTS.grafana,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.autoScalingGroup],
      deregistrationDelay: Duration.seconds(g.loadBalancer.deregistrationDelaySeconds),
      healthCheck: {
        path: g.loadBalancer.healthCheck.path,
        healthyHttpCodes: '200',
        interval: Duration.seconds(g.loadBalancer.healthCheck.intervalSeconds),
        timeout: Duration.seconds(g.loadBalancer.healthCheck.timeoutSeconds),
        healthyThresholdCount: g.loadBalancer.healthCheck.healthyThreshold,
        unhealthyThresholdCount: g.loadBalancer.healthCheck.unhealthyThreshold,
      },
    }));

    if (g.listener.plainHttp) {
      const http = this.loadBalancer.addListener('Http', { port: 80, open: false, defaultTargetGroups: [targets] });
      acknowledge(
        http,
        ['NIST.800.53.R5-ALBHttpToHttpsRedirection', 'NIST.800.53.R5-ELBv2ACMCertificateRequired'],
        `The ${environment} config asks for plain HTTP (access.plainHttp, refused for prod): operators on the private network, no domain.`,
      );
    } else {
      const listener = g.listener;
      const zone = listener.hostedZoneId ? route53.HostedZone.fromHostedZoneId(this, 'Zone', listener.hostedZoneId) : undefined;
      const certificate = listener.certificateArn
        ? acm.Certificate.fromCertificateArn(this, 'Certificate', listener.certificateArn)
        : new acm.Certificate(this, 'Certificate', { domainName: listener.domainName, validation: acm.CertificateValidation.fromDns(zone) });
      this.loadBalancer.addListener('Https', { port: 443, open: false, certificates: [certificate], sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS, defaultTargetGroups: [targets] });
    }
  }
}
