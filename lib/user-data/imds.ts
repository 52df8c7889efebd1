/** A bash function `imds <path>`: one instance-metadata item over IMDSv2 (the hosts require tokens). */
export function imdsFunction(): string {
  return [
    'imds() {',
    "  local token; token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)",
    '  curl -sf -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"',
    '}',
  ].join('\n');
}
