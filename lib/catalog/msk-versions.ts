/**
 * The Kafka versions MSK offers for a new provisioned cluster, and the Standard broker types each
 * runs on. A cluster's metadata mode is fixed at creation (ZooKeeper clusters cannot become KRaft
 * later), and only the `.kraft` version strings (or 4.x, which has no ZooKeeper) create KRaft ones.
 *
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/metadata-management.html#kraft-intro
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/supported-kafka-versions.html
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/broker-instance-types.html (Standard: T3, M5, M7g)
 */

export interface MskKafkaVersion {
  readonly metadataMode: 'kraft' | 'zookeeper';
  /** Standard broker types MSK offers with this version. */
  readonly brokerTypes: readonly string[];
}

const STANDARD_BROKERS = [
  'kafka.t3.small',
  'kafka.m5.large',
  'kafka.m5.xlarge',
  'kafka.m5.2xlarge',
  'kafka.m5.4xlarge',
  'kafka.m7g.large',
  'kafka.m7g.xlarge',
  'kafka.m7g.2xlarge',
] as const;

export const MSK_KAFKA_VERSIONS: Readonly<Record<string, MskKafkaVersion>> = {
  '3.9.x': { metadataMode: 'zookeeper', brokerTypes: STANDARD_BROKERS },
  '3.9.x.kraft': { metadataMode: 'kraft', brokerTypes: STANDARD_BROKERS },
  '4.0.x.kraft': { metadataMode: 'kraft', brokerTypes: STANDARD_BROKERS },
  // MSK added 4.1 on 2025-10-15 (developer guide, document history): the local broker's line.
  '4.1.x.kraft': { metadataMode: 'kraft', brokerTypes: STANDARD_BROKERS },
};

/** The version every environment runs unless its config pins another: KRaft, as the local 4.1 broker. */
export const DEFAULT_MSK_KAFKA_VERSION = '4.1.x.kraft';

/** Why `version` cannot carry a cluster of `brokerType` brokers, or undefined when it can. */
export function mskVersionProblem(version: string, brokerType: string): string | undefined {
  const offered = MSK_KAFKA_VERSIONS[version];
  if (!offered) return `("${version}") is not an MSK Kafka version: expected one of ${Object.keys(MSK_KAFKA_VERSIONS).join(', ')}`;
  if (offered.metadataMode !== 'kraft') {
    return `("${version}") creates a ZooKeeper-mode cluster, which can never move to KRaft: use a KRaft version (${kraftVersions().join(', ')})`;
  }
  if (!offered.brokerTypes.includes(brokerType)) {
    return `("${version}") is not offered on kafka.brokerInstanceType "${brokerType}" (it runs on ${offered.brokerTypes.join(', ')})`;
  }
  return undefined;
}

function kraftVersions(): string[] {
  return Object.entries(MSK_KAFKA_VERSIONS)
    .filter(([, v]) => v.metadataMode === 'kraft')
    .map(([name]) => name);
}
