import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EC2_INSTANCE_TYPES } from './plan/instance-types';

/** Amazon Linux 2023 for the instance type's architecture: arm64 on Graviton, x86_64 otherwise. */
export function amazonLinuxFor(instanceType: string): ec2.IMachineImage {
  const arm = EC2_INSTANCE_TYPES[instanceType]?.architecture === 'arm64';
  return ec2.MachineImage.latestAmazonLinux2023({ cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64 });
}
