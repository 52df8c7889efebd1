/**
 * Reads the stacks of a synthesized cloud assembly (a `cdk.out` directory, or one stage's nested
 * assembly) grouped by environment, from the manifest rather than by globbing, so stale template
 * files of removed stacks are not picked up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnTemplate, SynthesizedStack } from '../pricing/template-items';

const STACK_NAME = /^MetricStream-(.+)-[A-Za-z]+$/;

interface ManifestArtifact {
  readonly type: string;
  readonly properties?: { readonly directoryName?: string; readonly templateFile?: string; readonly stackName?: string };
  readonly displayName?: string;
}

export function isCloudAssembly(dir: string): boolean {
  return existsSync(join(dir, 'manifest.json'));
}

/** Stacks of every `MetricStream-<env>-<Tier>` stack in the assembly, by environment. */
export function readCloudAssembly(dir: string): Map<string, SynthesizedStack[]> {
  if (!isCloudAssembly(dir)) throw new Error(`${dir} is not a synthesized cloud assembly (no manifest.json)`);
  const byEnv = new Map<string, SynthesizedStack[]>();
  collect(dir, byEnv);
  for (const stacks of byEnv.values()) stacks.sort((a, b) => a.stackName.localeCompare(b.stackName));
  return byEnv;
}

function collect(dir: string, byEnv: Map<string, SynthesizedStack[]>): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { artifacts?: Record<string, ManifestArtifact> };
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      collect(join(dir, artifact.properties.directoryName), byEnv);
    } else if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const stackName = artifact.properties.stackName ?? id;
      const env = STACK_NAME.exec(stackName)?.[1];
      if (!env) continue;
      const template = JSON.parse(readFileSync(join(dir, artifact.properties.templateFile), 'utf8')) as CfnTemplate;
      byEnv.set(env, [...(byEnv.get(env) ?? []), { stackName, template }]);
    }
  }
}

/** The environment a stack belongs to, from its name. */
export function environmentOfStack(stackName: string): string | undefined {
  return STACK_NAME.exec(stackName)?.[1];
}
