import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledgeInstanceRolePolicies } from './nag';

/**
 * The instance role every MetricStream host starts from: Session Manager instead of SSH, and the
 * CloudWatch agent's metrics the alarms read. Each stack grants its own reads on top.
 */
export function hostRole(scope: Construct, id: string): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
      iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'),
    ],
  });
  acknowledgeInstanceRolePolicies(role);
  return role;
}
