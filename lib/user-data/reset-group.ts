/**
 * The consumer-group reset a restored node runs before its loader starts (the node's equivalent of
 * scripts/influx/restore.sh's `kafka-consumer-groups --reset-offsets --to-datetime`, without a JVM):
 * every partition of the topic gets, as the group's committed offset, the first offset whose record
 * time is at or after `--to-ms` (the end of the partition when none is). Kafka accepts the commit
 * only while the group has no members, which is why it runs before Telegraf.
 *
 * Python with kafka-python (pinned below, from PyPI); over MSK it signs in with the instance role
 * (SASL OAUTHBEARER, aws-msk-iam-sasl-signer-python). Tested against the real local broker:
 * test/influx/reset-group.itest.ts.
 */
export const RESET_GROUP_PACKAGES = ['kafka-python==2.2.15', 'aws-msk-iam-sasl-signer-python==1.0.2'] as const;

/**
 * Those two and everything they pull in (boto3, botocore, ...), each pinned to one wheel by its
 * sha256: a node installs exactly this, whatever PyPI serves on its boot day, and pip refuses any
 * file whose hash differs (`--require-hashes`). All pure-Python wheels, for AL2023's Python 3.9 and
 * the test's Python alike. Regenerate: `pip download --python-version 3.9 --only-binary=:all:
 * <RESET_GROUP_PACKAGES>` and `sha256sum` of each wheel.
 */
export const RESET_GROUP_REQUIREMENTS = `aws-msk-iam-sasl-signer-python==1.0.2 --hash=sha256:310eb2db9ca0ff55ed06a24212739b87533e7f1cf6f34e43aabbd97a3b21290e
boto3==1.42.97 --hash=sha256:966e49f0510af9a64057a902b7df53d4348c447de0d3df4cc855dfd85e058fcd
botocore==1.42.97 --hash=sha256:77d2c8ce1bc592d3fbd7c01c35836f4a5b0cac2ca03ccdf6ffc60faa16b5fadc
click==8.1.8 --hash=sha256:63c132bbbed01578a06712a2d1f497bb62d9c1c0d329b7903a866228027263b2
jmespath==1.1.0 --hash=sha256:a5663118de4908c91729bea0acadca56526eb2698e83de10cd116ae0f4e97c64
kafka-python==2.2.15 --hash=sha256:84c0993cd4f7f2f01e92d8104ea9bdf631aff72fc5e6ea62eb3bdf1d56528fc3
python-dateutil==2.9.0.post0 --hash=sha256:a8b2bc7bffae282281c8140a97d3aa9c14da0b136dfe83f850eea9a5f7470427
s3transfer==0.16.1 --hash=sha256:61bcd00ccb83b21a0fe7e91a553fff9729d46c83b4e0106e7c314a733891f7c2
six==1.17.0 --hash=sha256:4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274
urllib3==2.6.3 --hash=sha256:bf272323e553dfb2e87d9bfd225ca7b0f467b919d7bbd355436d3fd37cb0acd4
`;

/**
 * Installed into a directory of their own, never the system's site-packages: AL2023's aws CLI runs
 * on the system Python with the distribution's botocore, which a system-wide pip install of another
 * botocore would shadow (the boot's and the backup timer's `aws s3` calls).
 */
export const RESET_GROUP_LIB = '/opt/metricstream/reset-group';

/** pip's arguments after `install`: the lock above as `-r <file>`, exactly its wheels, into `--target`. */
export function resetGroupPipArgs(requirementsFile: string, target: string): string[] {
  return ['--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '--require-hashes', '--target', target, '-r', requirementsFile];
}

export const RESET_GROUP_PATH = '/usr/local/bin/loader-reset-group';

export const RESET_GROUP_PY = `#!/usr/bin/env python3
"""loader-reset-group --brokers H:P,... --topic T --group G --to-ms MS [--msk-iam-region R]"""
import argparse, sys
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

a = argparse.ArgumentParser()
a.add_argument("--brokers", required=True)
a.add_argument("--topic", required=True)
a.add_argument("--group", required=True)
a.add_argument("--to-ms", type=int, required=True)
a.add_argument("--msk-iam-region")
args = a.parse_args()

security = {}
if args.msk_iam_region:
    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

    class Token:
        def token(self):
            return MSKAuthTokenProvider.generate_auth_token(args.msk_iam_region)[0]

    security = dict(security_protocol="SASL_SSL", sasl_mechanism="OAUTHBEARER", sasl_oauth_token_provider=Token())

c = KafkaConsumer(bootstrap_servers=args.brokers.split(","), group_id=args.group, enable_auto_commit=False, **security)
partitions = c.partitions_for_topic(args.topic)
if not partitions:
    sys.exit(f"loader-reset-group: topic {args.topic} not found")
tps = [TopicPartition(args.topic, p) for p in sorted(partitions)]
c.assign(tps)
found = c.offsets_for_times({tp: args.to_ms for tp in tps})
end = c.end_offsets(tps)
offsets = {tp: OffsetAndMetadata(found[tp].offset if found[tp] else end[tp], "", -1) for tp in tps}
c.commit(offsets)
for tp in tps:
    print(f"{args.group} {tp.topic}-{tp.partition} -> {offsets[tp].offset}")
c.close()
`;
