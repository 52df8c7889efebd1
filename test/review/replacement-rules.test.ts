/**
 * The replacement table against the CloudFormation resource provider schemas cfn-lint ships
 * (a prerequisite of `npm test`): createOnlyProperties must be exactly our `replaces`, and
 * conditionalCreateOnlyProperties our `mayInterrupt`. Fails when a schema update moves a property.
 */
import { execFileSync } from 'node:child_process';
import { REPLACEMENT_RULES } from '../../lib/review/replacement-rules';

const READ_SCHEMAS = `
import json, os, re, sys, cfnlint
base = os.path.join(os.path.dirname(cfnlint.__file__), 'data', 'schemas')
ids = dict(re.findall(r'"([^"]+)": "([0-9a-f]{16})"', open(os.path.join(base, 'providers', 'us_east_1.py')).read()))
out = {}
for t in json.loads(sys.argv[1]):
    schema = json.load(open(os.path.join(base, 'resources', ids[t] + '.json')))
    strip = lambda paths: [p[len('/properties/'):] for p in (paths or [])]
    out[t] = {'replaces': strip(schema.get('createOnlyProperties')), 'mayInterrupt': strip(schema.get('conditionalCreateOnlyProperties'))}
print(json.dumps(out))
`;

test('REPLACEMENT_RULES match the registry schemas’ create-only properties', () => {
  const types = Object.keys(REPLACEMENT_RULES);
  const schemas = JSON.parse(execFileSync('python3', ['-c', READ_SCHEMAS, JSON.stringify(types)], { encoding: 'utf8' })) as Record<string, { replaces: string[]; mayInterrupt: string[] }>;
  for (const type of types) {
    expect({ type, replaces: [...REPLACEMENT_RULES[type].replaces].sort() }).toEqual({ type, replaces: [...schemas[type].replaces].sort() });
    expect({ type, mayInterrupt: [...(REPLACEMENT_RULES[type].mayInterrupt ?? [])].sort() }).toEqual({ type, mayInterrupt: [...schemas[type].mayInterrupt].sort() });
  }
});
