import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CapacityConfigError, requireAmiId, type CapacityPlan } from './plan';
import { EC2_INSTANCE_TYPES } from './catalog/instance-types';

/**
 * The pinned host image for an instance type. The config pins one x86_64 Amazon Linux 2023 image per
 * region (hostImage.amiIds): a Graviton type (priced by `npm run plan -- --compare`) would need an
 * arm64 image pinned too, so synthesizing one stops here naming the field instead of failing at launch.
 */
export function pinnedImageFor(plan: CapacityPlan, instanceType: string): ec2.IMachineImage {
  if (EC2_INSTANCE_TYPES[instanceType]?.architecture === 'arm64') {
    throw new CapacityConfigError(plan.environment, 'hostImage.amiIds', `pins x86_64 images only; ${instanceType} is arm64 (Graviton): pin an arm64 image before choosing it`);
  }
  // Pinned in the config: ImageId replaces the instance, so a new AMI is a reviewed change that
  // template:diff flags, never whatever SSM says at deploy time.
  return ec2.MachineImage.genericLinux({ [plan.region]: requireAmiId(plan) });
}
