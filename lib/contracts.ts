/**
 * The contracts between the app and the services it deploys, read from synthesized templates: the
 * Flink application's property groups and the ingest hosts' service environment. Written as
 * fixtures (test/fixtures/contracts, `npm run contracts:write`) that the Flink job's and the ingest
 * service's own config loaders load in their tests, so a key one side writes and the other does not
 * read fails a test on either side.
 *
 * CloudFormation references (a broker list, an instance IP, a secret ARN) have no value before a
 * deploy; they become stand-ins of the same shape, so the loaders' format checks apply to them.
 */

export type TemplateJson = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** Managed Flink's runtime-properties format, as KinesisAnalyticsRuntime reads it. */
export type FlinkPropertyGroups = { PropertyGroupId: string; PropertyMap: Record<string, string> }[];

export interface StandInContext {
  readonly environment: string;
  readonly region: string;
  readonly brokers: number;
}

/** The property groups of the stage's Flink application, references replaced by stand-ins. */
export function flinkPropertyGroups(flinkTemplate: TemplateJson, context: StandInContext): FlinkPropertyGroups {
  const apps = Object.values(flinkTemplate.Resources).filter((r) => r.Type === 'AWS::KinesisAnalyticsV2::Application');
  if (apps.length !== 1) throw new Error(`expected one Flink application, found ${apps.length}`);
  const config = apps[0].Properties!.ApplicationConfiguration as { EnvironmentProperties: { PropertyGroups: { PropertyGroupId: string; PropertyMap: Record<string, unknown> }[] } };
  return config.EnvironmentProperties.PropertyGroups.map((g) => ({
    PropertyGroupId: g.PropertyGroupId,
    PropertyMap: Object.fromEntries(Object.entries(g.PropertyMap).map(([k, v]) => [k, resolve(v, context)])),
  }));
}

/** The `Environment=` lines of the ingest service's systemd unit, from the launch template's user data. */
export function ingestEnvironment(ingestTemplate: TemplateJson, context: StandInContext): Record<string, string> {
  const templates = Object.values(ingestTemplate.Resources).filter((r) => r.Type === 'AWS::EC2::LaunchTemplate');
  if (templates.length !== 1) throw new Error(`expected one ingest launch template, found ${templates.length}`);
  const data = templates[0].Properties!.LaunchTemplateData as { UserData: { 'Fn::Base64': unknown } };
  const script = resolve(data.UserData['Fn::Base64'], context);
  const env: Record<string, string> = {};
  for (const m of script.matchAll(/^Environment=([A-Z0-9_]+)=(.*)$/gm)) env[m[1]] = m[2];
  if (Object.keys(env).length === 0) throw new Error('the ingest user data sets no Environment= lines');
  return env;
}

/** A template value as the string it will be, with stand-ins for what only exists once deployed. */
function resolve(value: unknown, context: StandInContext): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, context)).join(separator);
  }
  if ('Ref' in v && v.Ref === 'AWS::Region') return context.region;
  if ('Ref' in v && typeof v.Ref === 'string' && v.Ref.startsWith('ApiKeys')) {
    return `arn:aws:secretsmanager:${context.region}:123456789012:secret:metricstream-${context.environment}-ApiKeys-AbCdEf`;
  }
  if ('Fn::ImportValue' in v) {
    const name = String(v['Fn::ImportValue']);
    if (/BootstrapBrokerStringSaslIam/.test(name)) {
      return Array.from({ length: context.brokers }, (_, i) => `b-${i + 1}.metricstream-${context.environment}.abc123.c2.kafka.${context.region}.amazonaws.com:9098`).join(',');
    }
    const node = /Node(\d+)[0-9A-F]{8}PrivateIp/.exec(name);
    if (node) return `10.0.${Number(node[1]) + 1}.10`;
  }
  throw new Error(`no stand-in for ${JSON.stringify(value)}: add one to lib/contracts.ts`);
}
