/**
 * The revision a release deploys: an inline AppSpec (rendered by lib/appspec.ts, sent with its
 * sha256) or the AppSpec object the stack keeps in S3. Each value records where it came from, so a
 * problem names its source and `--dry-run` can show it.
 */
import { appSpecSha256, type AppSpecInput, ECS_HOOK_EVENTS, type EcsHookEvent, renderAppSpecJson, validateAppSpecInput } from '../lib/appspec';
import type { ReleaseFlagKey } from './flags';
import type { ReleaseValues } from './values';

/** The revision the deployment uses. */
export type ReleaseRevision =
  | { readonly type: 'inline'; readonly appSpec: AppSpecInput; readonly content: string; readonly sha256: string }
  | { readonly type: 's3'; readonly bucket: string; readonly key: string; readonly version?: string };

/** Where each value of the revision came from (by flag key), e.g. `output "ecs_container_port" in …`. */
export type RevisionSources = Readonly<Partial<Record<ReleaseFlagKey, string>>>;

/** A resolved revision (undefined when a problem was pushed) and the source of each of its values. */
export interface ResolvedRevision {
  readonly revision?: ReleaseRevision;
  /** The hook function when the revision runs a hook (inline with hook events, or any S3 revision). */
  readonly hookFunctionName?: string;
  readonly sources: RevisionSources;
}

// lib/appspec names the field first in each problem; the flag that gave the field's value.
const FIELD_FLAGS: ReadonlyArray<readonly [string, ReleaseFlagKey]> = [
  ['taskDefinitionArn', 'taskDefinitionArn'],
  ['containerName', 'containerName'],
  ['containerPort', 'containerPort'],
  ['hooks', 'hookFunction'],
];

function sourcesOf(values: ReleaseValues, keys: readonly ReleaseFlagKey[]): RevisionSources {
  return Object.fromEntries(keys.filter((k) => values.get(k) !== undefined).map((k) => [k, values.from(k)]));
}

function hooksOf(values: ReleaseValues, hookFunctionName: string | undefined, problems: string[]): Partial<Record<EcsHookEvent, string>> {
  if (hookFunctionName === undefined) return {};
  const events = values.get('hookEvents') as readonly string[] | undefined;
  if (events === undefined) {
    if (!values.invalid('hookEvents')) problems.push(`missing hook lifecycle events for hook function ${JSON.stringify(hookFunctionName)}: looked for ${values.lookedAt('hookEvents')}; allowed events: ${ECS_HOOK_EVENTS.join(', ')}`);
    return {};
  }
  return Object.fromEntries(events.map((e) => [e, hookFunctionName]));
}

function inlineRevision(values: ReleaseValues, problems: string[]): ResolvedRevision {
  const hookFunctionName = values.text('hookFunction');
  const taskDefinitionArn = values.required('taskDefinitionArn') as string | undefined;
  const containerName = values.required('containerName') as string | undefined;
  const containerPort = values.required('containerPort') as number | undefined;
  const hooks = hooksOf(values, hookFunctionName, problems);
  const sources = sourcesOf(values, ['taskDefinitionArn', 'containerName', 'containerPort', 'hookFunction', 'hookEvents']);
  if (taskDefinitionArn === undefined || containerName === undefined || containerPort === undefined) return { sources };
  const appSpec: AppSpecInput = { taskDefinitionArn, containerName, containerPort, ...(Object.keys(hooks).length > 0 ? { hooks } : {}) };
  const invalid = validateAppSpecInput(appSpec);
  if (invalid.length > 0) {
    const source = (p: string): string => values.from(FIELD_FLAGS.find(([field]) => p.startsWith(field))?.[1] ?? 'containerPort');
    problems.push(...invalid.map((p) => `${p} (from ${source(p)})`));
    return { sources };
  }
  const content = renderAppSpecJson(appSpec);
  return {
    revision: { type: 'inline', appSpec, content, sha256: appSpecSha256(content) },
    ...(hookFunctionName !== undefined && appSpec.hooks ? { hookFunctionName } : {}),
    sources,
  };
}

function s3Revision(values: ReleaseValues): ResolvedRevision {
  const hookFunctionName = values.text('hookFunction');
  const bucket = values.required('appSpecBucket') as string | undefined;
  const key = values.required('appSpecKey') as string | undefined;
  const version = values.text('appSpecVersion');
  const sources = sourcesOf(values, ['appSpecBucket', 'appSpecKey', 'appSpecVersion', 'hookFunction']);
  if (bucket === undefined || key === undefined) return { sources };
  return { revision: { type: 's3', bucket, key, ...(version ? { version } : {}) }, ...(hookFunctionName !== undefined ? { hookFunctionName } : {}), sources };
}

/** Resolves the revision `--revision` asks for; problems are pushed, each naming the value's source. */
export function resolveRevision(values: ReleaseValues, problems: string[]): ResolvedRevision {
  return values.get('revision') === 's3' ? s3Revision(values) : inlineRevision(values, problems);
}

/** The `revision …` progress line. */
export function describeRevision(r: ReleaseRevision): string {
  return r.type === 'inline'
    ? `AppSpecContent sha256 ${r.sha256} task-definition ${r.appSpec.taskDefinitionArn}`
    : `S3 s3://${r.bucket}/${r.key}${r.version ? ` version ${r.version}` : ''}`;
}
