import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { CapacityPlan } from './plan';
import type { InterfaceEndpointName } from './plan/network-charges';
import { logRetention } from './log-retention';
import { acknowledge, acknowledgeInlinePolicy } from './nag';
import { PORTS } from './ports';

export interface NetworkStackProps extends StackProps {
  readonly plan: CapacityPlan;
  /** Clients allowed to reach the ingest ALB. */
  readonly clientCidrs: readonly string[];
  /** Operators allowed to query InfluxDB directly (and through the NLB, lib/influx-stack.ts). */
  readonly operatorCidrs: readonly string[];
}

/** The construct id and service of each interface endpoint the plan names. */
const INTERFACE_ENDPOINT_SERVICES: Readonly<Record<InterfaceEndpointName, readonly [string, ec2.InterfaceVpcEndpointAwsService]>> = {
  ssm: ['Ssm', ec2.InterfaceVpcEndpointAwsService.SSM],
  ssmmessages: ['SsmMessages', ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES],
  ec2messages: ['Ec2Messages', ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES],
  logs: ['Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
  monitoring: ['Monitoring', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING],
};

/**
 * The VPC every tier lives in, and one security group per tier holding exactly the flows of the
 * design: clients -> ALB -> ingest -> MSK <- Flink, MSK <- InfluxDB loaders, InfluxDB <- operators
 * (and the Influx stack's read NLB). Keeping the groups and their rules here lets the tier stacks
 * reference them without cross-stack cycles.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** Encrypts every CloudWatch log group of the environment. */
  readonly logsKey: kms.Key;
  readonly albSecurityGroup: ec2.SecurityGroup;
  readonly ingestSecurityGroup: ec2.SecurityGroup;
  readonly kafkaSecurityGroup: ec2.SecurityGroup;
  readonly flinkSecurityGroup: ec2.SecurityGroup;
  readonly influxSecurityGroup: ec2.SecurityGroup;
  private readonly azIds: readonly string[];

  /**
   * The configured AZ IDs instead of the account's AZ names: Stack looks those up (a context
   * provider call needing credentials once the account is set) and the Vpc checks its zones against
   * them. Overriding this is how aws-cdk-lib lets a stack choose its AZs.
   */
  override get availabilityZones(): string[] {
    return [...this.azIds];
  }

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { plan } = props;
    const azIds = (this.azIds = plan.deployment.availabilityZoneIds);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(plan.deployment.vpcCidr),
      // From the config rather than looked up, so synthesis needs no AWS account. The Vpc construct
      // wants AZ names; it gets the IDs, and the subnets below are placed by ID instead.
      availabilityZones: [...azIds],
      natGateways: plan.natGateways,
      subnetConfiguration: [
        // Only the ALB and the NAT gateways (with their own elastic IPs) live here.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: plan.deployment.subnetCidrMasks.public, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: plan.deployment.subnetCidrMasks.private },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    placeSubnetsByAzId(this.vpc, azIds);
    this.logsKey = new kms.Key(this, 'LogsKey', { description: `MetricStream ${plan.environment} CloudWatch log groups`, enableKeyRotation: true });
    this.logsKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`));
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', { retention: logRetention(plan, 'VPC flow logs'), removalPolicy: RemovalPolicy.DESTROY, encryptionKey: this.logsKey });
    const flowLog = this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL });
    acknowledgeInlinePolicy(flowLog.node.findChild('IAMRole'));
    for (const subnet of this.vpc.publicSubnets) {
      acknowledge(
        subnet.node.findChild('DefaultRoute'),
        ['NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW'],
        'Public subnets hold only the internet-facing ALB and the NAT gateways; every host is in a private subnet.',
      );
    }

    // Session Manager, CloudWatch and Flink's asset reads stay off the NAT gateways.
    for (const endpointName of plan.network.interfaceEndpoints) {
      const [name, service] = INTERFACE_ENDPOINT_SERVICES[endpointName];
      const endpoint = this.vpc.addInterfaceEndpoint(name, { service, privateDnsEnabled: true });
      acknowledge(
        endpoint,
        ['AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedCommonPorts', 'NIST.800.53.R5-EC2RestrictedSSH'],
        "The endpoint admits HTTPS (443) from the VPC's own CIDR only, which cdk-nag cannot resolve at synthesis.",
      );
    }

    const group = (name: string, description: string, allowAllOutbound = false) =>
      new ec2.SecurityGroup(this, name, { vpc: this.vpc, description, allowAllOutbound });
    this.albSecurityGroup = group('AlbSg', 'MetricStream ingest ALB');
    this.ingestSecurityGroup = group('IngestSg', 'MetricStream ingest instances', true);
    this.kafkaSecurityGroup = group('KafkaSg', 'MetricStream MSK brokers');
    this.flinkSecurityGroup = group('FlinkSg', 'MetricStream Managed Flink application', true);
    this.influxSecurityGroup = group('InfluxSg', 'MetricStream InfluxDB nodes', true);

    if (props.clientCidrs.includes('0.0.0.0/0')) {
      Validations.of(this.albSecurityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'The ingest endpoint is public by design: agents on monitored servers anywhere send metrics to it, authenticated by API key.',
      });
    }
    for (const cidr of props.clientCidrs) {
      this.albSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'clients over HTTPS');
      this.albSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(80), 'clients over HTTP (redirected to HTTPS unless plain HTTP is configured)');
    }
    this.albSecurityGroup.addEgressRule(this.ingestSecurityGroup, ec2.Port.tcp(PORTS.ingest), 'ALB to ingest targets');
    this.ingestSecurityGroup.addIngressRule(this.albSecurityGroup, ec2.Port.tcp(PORTS.ingest), 'requests and health checks from the ALB');
    // Ingest produces, Flink consumes and produces, every InfluxDB node's loader consumes.
    for (const client of [this.ingestSecurityGroup, this.flinkSecurityGroup, this.influxSecurityGroup]) {
      this.kafkaSecurityGroup.addIngressRule(client, ec2.Port.tcp(PORTS.kafkaIam), 'Kafka clients, TLS with IAM auth');
    }
    // No Flink rule: the job writes to Kafka, each node's loader reads it. The read NLB's rule is in
    // the Influx stack (beside the NLB's group).
    for (const cidr of props.operatorCidrs) {
      this.influxSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(PORTS.influx), 'operators query InfluxDB');
    }
  }
}

/**
 * Creates every subnet in its AZ by ID (`AvailabilityZoneId`; AWS::EC2::Subnet takes one of the
 * two) and makes `subnet.availabilityZone` the subnet's own `AvailabilityZone` attribute, so what
 * is placed into a subnet by AZ name (an EC2 instance) gets the name this account maps the ID to.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-subnet.html
 */
function placeSubnetsByAzId(vpc: ec2.Vpc, azIds: readonly string[]): void {
  for (const subnets of [vpc.publicSubnets, vpc.privateSubnets]) {
    subnets.forEach((subnet, index) => {
      const cfn = subnet.node.defaultChild as ec2.CfnSubnet;
      cfn.addPropertyDeletionOverride('AvailabilityZone');
      cfn.addPropertyOverride('AvailabilityZoneId', azIds[index]);
      Object.defineProperty(subnet, 'availabilityZone', { value: cfn.attrAvailabilityZone });
    });
  }
}
