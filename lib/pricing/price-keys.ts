/**
 * The names of the prices the cost model looks up. One key per billable unit, independent of
 * region; the snapshot holds one entry per key per region.
 */
import { EC2_INSTANCE_TYPES, MSK_BROKER_TYPES } from '../plan/instance-types';

export type Ec2Term = 'on-demand' | 'reserved-1yr-no-upfront';

export const priceKeys = {
  ec2Instance: (instanceType: string, term: Ec2Term) => `ec2/${instanceType}/${term}`,
  ebsGp3Storage: 'ebs/gp3/storage',
  mskBroker: (brokerType: string) => `msk/${brokerType}/broker`,
  mskStorage: 'msk/storage',
  flinkKpu: 'flink/kpu',
  flinkRunningStorage: 'flink/running-storage',
  albHour: 'alb/hour',
  albLcu: 'alb/lcu',
  s3Standard: 's3/standard',
  s3DeepArchive: 's3/deep-archive',
  interAzTransfer: 'transfer/inter-az',
  natGatewayHour: 'nat/hour',
} as const;

/** Every key a region's snapshot must hold: everything any capacity config may use. */
export function requiredPriceKeys(): string[] {
  const ec2 = Object.keys(EC2_INSTANCE_TYPES).flatMap((type) => [
    priceKeys.ec2Instance(type, 'on-demand'),
    priceKeys.ec2Instance(type, 'reserved-1yr-no-upfront'),
  ]);
  const msk = Object.keys(MSK_BROKER_TYPES).map((type) => priceKeys.mskBroker(type));
  return [
    ...ec2,
    priceKeys.ebsGp3Storage,
    ...msk,
    priceKeys.mskStorage,
    priceKeys.flinkKpu,
    priceKeys.flinkRunningStorage,
    priceKeys.albHour,
    priceKeys.albLcu,
    priceKeys.s3Standard,
    priceKeys.s3DeepArchive,
    priceKeys.interAzTransfer,
    priceKeys.natGatewayHour,
  ];
}
