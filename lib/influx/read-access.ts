import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * What a reader of InfluxDB (the Grafana stack, an operator's tool) gets from the Influx stack: the
 * internal NLB in front of the nodes, the read-only user's secret (JSON `{"username", "password"}`)
 * and the security group a client joins to be let through. Nothing here names a node: nodes are
 * replaced, the NLB stays.
 */
export interface InfluxReadAccess {
  /** DNS name of the internal NLB. */
  readonly endpoint: string;
  readonly port: number;
  readonly readerSecret: secretsmanager.ISecret;
  /** Clients join this group; the NLB admits InfluxDB's port from it (and the operator CIDRs). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  readonly database: string;
}

/**
 * The InfluxDB users every node has (docs/influx-loader.md "Users on every node"), each with its own
 * Secrets Manager secret: the admin (setup only), the loader's write-only user, the readers' read-only
 * user.
 */
export const INFLUX_USERS = {
  admin: 'admin',
  loader: 'loader',
  reader: 'reader',
} as const;
export type InfluxUser = keyof typeof INFLUX_USERS;
