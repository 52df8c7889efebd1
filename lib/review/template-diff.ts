/**
 * A resource-level diff of two sides' synthesized CloudFormation templates, per stack, with
 * CloudFormation's update semantics: which changes replace a resource (new physical resource, old
 * one deleted), which may stop/start it, and which update it in place. Pure: templates in, diff out.
 * Needs no AWS credentials: it compares templates, not deployed stacks (what `cdk diff --template`
 * does, without the CDK toolkit's schema download).
 */
import type { CfnTemplate, SynthesizedStack } from '../pricing/template-items';
import { environmentOfStack } from './cloud-assembly';
import { isStateful, REPLACEMENT_RULES } from './replacement-rules';

export type ResourceChangeKind = 'added' | 'removed' | 'replaced' | 'interrupted' | 'modified';
/** replacement: new physical resource; conditional: may replace or stop/start; update: in place. */
export type ChangeImpact = 'replacement' | 'conditional' | 'update';

export interface PropertyChange {
  /** Slash-separated path under Properties; resource attributes as `@DeletionPolicy` etc. */
  readonly path: string;
  readonly impact: ChangeImpact;
  /** Compact JSON of the values, shortened. */
  readonly before?: string;
  readonly after?: string;
  /** Why an unchanged property still forces replacement (it refers to a replaced resource). */
  readonly because?: string;
}

export interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  readonly kind: ResourceChangeKind;
  readonly stateful: boolean;
  readonly properties: readonly PropertyChange[];
  /** For removals: the base's DeletionPolicy (Retain keeps the physical resource). */
  readonly deletionPolicy?: string;
}

export interface StackDiff {
  readonly environment: string;
  readonly stackName: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly counts: Readonly<Record<ResourceChangeKind, number>>;
  readonly changes: readonly ResourceChange[];
}

export interface StatefulWarning {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly kind: ResourceChangeKind;
  readonly message: string;
}

export interface TemplateDiffReport {
  readonly base: string;
  readonly head: string;
  /** Replacements, removals and stop/starts of stateful resources: data loss on deploy. */
  readonly warnings: readonly StatefulWarning[];
  readonly stacks: readonly StackDiff[];
}

type Resource = NonNullable<CfnTemplate['Resources']>[string] & Record<string, unknown>;

/** Attributes besides Properties that a deploy acts on; Metadata is not deployed. */
const ATTRIBUTES = ['DeletionPolicy', 'UpdateReplacePolicy', 'DependsOn', 'Condition', 'UpdatePolicy', 'CreationPolicy'];
/** The CDK's analytics resource changes with the toolkit version and deploys nothing of ours. */
const IGNORED_TYPES = new Set(['AWS::CDK::Metadata']);
const VALUE_LIMIT = 160;

export function diffStacks(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): StackDiff[] {
  const baseByName = new Map(base.map((s) => [s.stackName, s.template]));
  const headByName = new Map(head.map((s) => [s.stackName, s.template]));
  const names = [...new Set([...baseByName.keys(), ...headByName.keys()])].sort();
  return names.map((stackName) => diffStack(stackName, baseByName.get(stackName), headByName.get(stackName)));
}

export function diffStack(stackName: string, base: CfnTemplate | undefined, head: CfnTemplate | undefined): StackDiff {
  const before = resourcesOf(base);
  const after = resourcesOf(head);
  const changes = new Map<string, ResourceChange>();
  for (const [id, resource] of Object.entries(after)) {
    if (!before[id]) changes.set(id, { logicalId: id, type: resource.Type, kind: 'added', stateful: isStateful(stackName, resource.Type), properties: [] });
  }
  for (const [id, resource] of Object.entries(before)) {
    if (!after[id]) {
      changes.set(id, {
        logicalId: id,
        type: resource.Type,
        kind: 'removed',
        stateful: isStateful(stackName, resource.Type),
        properties: [],
        deletionPolicy: typeof resource.DeletionPolicy === 'string' ? resource.DeletionPolicy : undefined,
      });
      continue;
    }
    const change = diffResource(stackName, id, resource, after[id]);
    if (change) changes.set(id, change);
  }
  propagateReplacements(stackName, after, changes);
  const list = [...changes.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.logicalId.localeCompare(b.logicalId));
  const counts = Object.fromEntries(KIND_ORDER.map((k) => [k, list.filter((c) => c.kind === k).length])) as Record<ResourceChangeKind, number>;
  return {
    environment: environmentOfStack(stackName) ?? '',
    stackName,
    status: !base ? 'added' : !head ? 'removed' : list.length ? 'changed' : 'unchanged',
    counts,
    changes: list,
  };
}

const KIND_ORDER: readonly ResourceChangeKind[] = ['replaced', 'removed', 'interrupted', 'modified', 'added'];

function resourcesOf(template: CfnTemplate | undefined): Record<string, Resource> {
  return Object.fromEntries(Object.entries(template?.Resources ?? {}).filter(([, r]) => !IGNORED_TYPES.has(r.Type))) as Record<string, Resource>;
}

function diffResource(stackName: string, logicalId: string, before: Resource, after: Resource): ResourceChange | undefined {
  const stateful = isStateful(stackName, before.Type) || isStateful(stackName, after.Type);
  if (before.Type !== after.Type) {
    return { logicalId, type: after.Type, kind: 'replaced', stateful, properties: [{ path: '@Type', impact: 'replacement', before: before.Type, after: after.Type }] };
  }
  const rule = REPLACEMENT_RULES[after.Type];
  const properties: PropertyChange[] = [];
  for (const path of changedPaths(before.Properties ?? {}, after.Properties ?? {}, '')) {
    properties.push({ path, impact: impactOf(path, rule, before.Properties ?? {}, after.Properties ?? {}), ...showChange(at(before.Properties, path), at(after.Properties, path)) });
  }
  for (const attribute of ATTRIBUTES) {
    for (const path of changedPaths(before[attribute], after[attribute], '')) {
      properties.push({ path: `@${attribute}${path ? `/${path}` : ''}`, impact: 'update', ...showChange(at(before[attribute], path), at(after[attribute], path)) });
    }
  }
  if (!properties.length) return undefined;
  return { logicalId, type: after.Type, kind: kindOf(properties), stateful, properties };
}

function kindOf(properties: readonly PropertyChange[]): ResourceChangeKind {
  if (properties.some((p) => p.impact === 'replacement')) return 'replaced';
  if (properties.some((p) => p.impact === 'conditional')) return 'interrupted';
  return 'modified';
}

/**
 * The impact of a change at `path`: a rule path at or above it decides; a rule path below it (the
 * change added or removed a whole object) decides when the values at the rule path differ.
 */
function impactOf(path: string, rule: (typeof REPLACEMENT_RULES)[string] | undefined, before: unknown, after: unknown): ChangeImpact {
  if (!rule) return 'update';
  const hits = (rulePath: string) =>
    path === rulePath || path.startsWith(`${rulePath}/`) || (rulePath.startsWith(`${path}/`) && !deepEqual(at(before, rulePath), at(after, rulePath)));
  if (rule.replaces.some(hits)) return 'replacement';
  if (rule.mayInterrupt?.some(hits)) return 'conditional';
  return 'update';
}

/**
 * A property that refers (Ref / Fn::GetAtt) to a replaced resource gets a new value on deploy even
 * though the template text is the same: when it is a replacing property, the referrer is replaced too.
 */
function propagateReplacements(stackName: string, after: Record<string, Resource>, changes: Map<string, ResourceChange>): void {
  let grew = true;
  while (grew) {
    grew = false;
    const replaced = new Set([...changes.values()].filter((c) => c.kind === 'replaced').map((c) => c.logicalId));
    for (const [id, resource] of Object.entries(after)) {
      const current = changes.get(id);
      if (current && (current.kind === 'replaced' || current.kind === 'added')) continue;
      const rule = REPLACEMENT_RULES[resource.Type];
      if (!rule) continue;
      for (const [paths, impact] of [[rule.replaces, 'replacement'], [rule.mayInterrupt ?? [], 'conditional']] as const) {
        for (const path of paths) {
          const target = referencesOf(at(resource.Properties, path)).find((ref) => replaced.has(ref));
          if (!target) continue;
          if (current?.properties.some((p) => p.path === path && p.impact === impact)) continue;
          const properties = [...(changes.get(id)?.properties ?? []), { path, impact, because: `refers to ${target}, which is replaced` }];
          changes.set(id, { logicalId: id, type: resource.Type, kind: kindOf(properties), stateful: isStateful(stackName, resource.Type), properties });
          grew = grew || impact === 'replacement';
        }
      }
    }
  }
}

/** Logical ids a value refers to through Ref and Fn::GetAtt. */
export function referencesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesOf);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return [object.Ref];
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
  if (typeof getAtt === 'string') return [getAtt.split('.')[0]];
  return Object.values(object).flatMap(referencesOf);
}

/**
 * Leaf paths where two property trees differ. Lists of the same length are compared item by item
 * (`Subnets/1`); a list that grew or shrank is one change. Rule paths never name list items, so an
 * item's path still falls under its list's rule.
 */
export function changedPaths(before: unknown, after: unknown, prefix: string): string[] {
  if (deepEqual(before, after)) return [];
  const join = (key: string | number) => (prefix ? `${prefix}/${key}` : String(key));
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedPaths(before[key], after[key], join(key)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => changedPaths(item, after[i], join(i)));
  }
  return [prefix];
}

function at(value: unknown, path: string): unknown {
  if (!path) return value;
  let current = value;
  for (const key of path.split('/')) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isPlainObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => deepEqual(a[k], b[k]));
  }
  // CloudFormation passes numbers as strings and back ("3" and 3 deploy the same).
  if ((typeof a === 'number' && typeof b === 'string') || (typeof a === 'string' && typeof b === 'number')) return String(a) === String(b);
  return false;
}

/** Multi-line strings (config files, scripts) show only the lines that differ. */
function showChange(before: unknown, after: unknown): { before?: string; after?: string } {
  if (typeof before === 'string' && typeof after === 'string' && (before.includes('\n') || after.includes('\n'))) {
    const a = before.split('\n');
    const b = after.split('\n');
    return { before: show(a.filter((line) => !b.includes(line)).join('\n')), after: show(b.filter((line) => !a.includes(line)).join('\n')) };
  }
  // Long one-line strings (JSON bodies, joined fragments): a window around the first difference.
  if (typeof before === 'string' && typeof after === 'string' && Math.max(before.length, after.length) > VALUE_LIMIT) {
    let first = 0;
    while (first < before.length && before[first] === after[first]) first++;
    const from = Math.max(0, first - 30);
    const window = (text: string) => show(`${from > 0 ? '…' : ''}${text.slice(from, from + 100)}${text.length > from + 100 ? '…' : ''}`);
    return { before: window(before), after: window(after) };
  }
  return { before: show(before), after: show(after) };
}

function show(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT - 1)}…` : text;
}

/** Stateful resources a deploy would replace, remove or (InfluxDB nodes) stop and start. */
export function statefulWarnings(stacks: readonly StackDiff[]): StatefulWarning[] {
  const warnings: StatefulWarning[] = [];
  for (const stack of stacks) {
    for (const change of stack.changes) {
      if (!change.stateful) continue;
      const why = change.properties.filter((p) => p.impact !== 'update').map((p) => (p.because ? `${p.path} ${p.because}` : `${p.path} changed`));
      let message: string | undefined;
      if (change.kind === 'replaced') message = `replaced (${why.join('; ')}): the existing resource and its data are deleted`;
      else if (change.kind === 'removed') {
        message = change.deletionPolicy === 'Retain' || change.deletionPolicy === 'RetainExceptOnCreate'
          ? `removed from the stack (kept in the account: DeletionPolicy ${change.deletionPolicy})`
          : `removed: deleted on deploy${change.deletionPolicy ? ` (DeletionPolicy ${change.deletionPolicy})` : ''}`;
      } else if (change.kind === 'interrupted' && change.type === 'AWS::EC2::Instance') {
        message = `stopped and started (${why.join('; ')}): its instance-store data is lost`;
      } else if (change.kind === 'interrupted') message = `may be replaced (${why.join('; ')})`;
      if (message) warnings.push({ stackName: stack.stackName, logicalId: change.logicalId, type: change.type, kind: change.kind, message });
    }
  }
  return warnings;
}

/** The template diff report of two sides, all environments or the given ones. */
export function buildTemplateDiffReport(
  base: { label: string; stacksByEnv: ReadonlyMap<string, readonly SynthesizedStack[]> },
  head: { label: string; stacksByEnv: ReadonlyMap<string, readonly SynthesizedStack[]> },
  environments?: readonly string[],
): TemplateDiffReport {
  const pick = (side: typeof base) => [...side.stacksByEnv.entries()].filter(([env]) => !environments || environments.includes(env)).flatMap(([, stacks]) => stacks);
  const stacks = diffStacks(pick(base), pick(head));
  return { base: base.label, head: head.label, warnings: statefulWarnings(stacks), stacks };
}
