/**
 * Availability Zones by ID. AZ names (`us-east-1a`) map to different physical zones in every
 * account; AZ IDs (`use1-az1`) are the same zone everywhere, so the config names IDs and the VPC's
 * subnets are created with `AvailabilityZoneId`.
 *
 * @see https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html
 */
import type { SupportedRegion } from '../catalog/instance-types';

/** The prefix of a region's AZ IDs (`use1-az1` in us-east-1). */
export const AZ_ID_PREFIX: Readonly<Record<SupportedRegion, string>> = {
  'us-east-1': 'use1',
  'us-west-2': 'usw2',
  'eu-west-1': 'euw1',
};

/**
 * AZ IDs where MSK places no brokers: CreateCluster fails naming them ("subnets belong to
 * unsupported Availability Zones"). use1-az3 is the one in our regions.
 *
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/create-cluster.html
 */
export const MSK_UNSUPPORTED_AZ_IDS: readonly string[] = ['use1-az3'];

/** Why `ids` cannot hold the environment's subnets, or undefined when they can. */
export function availabilityZoneIdsProblem(region: string, count: number, ids: readonly string[]): string | undefined {
  const prefix = AZ_ID_PREFIX[region as SupportedRegion];
  if (ids.length !== count) return `(${ids.length} IDs) must list exactly availabilityZones (${count}) AZ IDs`;
  for (const id of ids) {
    if (!new RegExp(`^${prefix}-az\\d+$`).test(id)) return `("${id}") is not an AZ ID of ${region} (expected ${prefix}-az<N>)`;
    if (MSK_UNSUPPORTED_AZ_IDS.includes(id)) return `("${id}") is an AZ where MSK places no brokers: choose another AZ ID`;
  }
  if (new Set(ids).size !== ids.length) return `(${ids.join(', ')}) must not repeat an AZ ID`;
  return undefined;
}

/**
 * The first `count` AZ IDs of a region MSK supports (`<prefix>-az1`, `-az2`, …): what a what-if in
 * another region plans with, since the config's IDs belong to its own region.
 */
export function firstAvailabilityZoneIds(region: string, count: number): string[] {
  const prefix = AZ_ID_PREFIX[region as SupportedRegion] ?? region;
  const ids: string[] = [];
  for (let n = 1; ids.length < count; n++) {
    const id = `${prefix}-az${n}`;
    if (!MSK_UNSUPPORTED_AZ_IDS.includes(id)) ids.push(id);
  }
  return ids;
}
