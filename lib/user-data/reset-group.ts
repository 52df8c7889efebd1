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
