/**
 * What CodeDeploy accepts: the request checks of the stand-in's operations, with CodeDeploy's
 * exceptions and messages, its paging, and the AppSpec of a revision. Pure except for reading state.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { AwsJsonError } from '../aws-json-server';
import { Deployment, DeploymentSimulation, EcsLifecycleEvent, HOOK_EVENTS, ResolvedGroup, Revision } from './state-machine';

/** Parses an ECS AppSpec (JSON or YAML) into the hook function per lifecycle event. */
export function parseAppSpecHooks(content: string): Partial<Record<EcsLifecycleEvent, string>> {
  let doc: unknown;
  try {
    doc = parseYaml(content); // YAML is a superset of JSON, so this reads both forms.
  } catch (err) {
    throw new AwsJsonError('InvalidRevisionException', `The AppSpec content could not be parsed: ${(err as Error).message}`);
  }
  const resources = (doc as { Resources?: unknown })?.Resources;
  const target = Array.isArray(resources) ? (resources[0] as { TargetService?: { Type?: string } })?.TargetService : undefined;
  if (!target || target.Type !== 'AWS::ECS::Service') {
    throw new AwsJsonError('InvalidRevisionException', 'The AppSpec content must have Resources[0].TargetService of Type AWS::ECS::Service');
  }
  const hooks: Partial<Record<EcsLifecycleEvent, string>> = {};
  const list = (doc as { Hooks?: unknown }).Hooks;
  for (const entry of Array.isArray(list) ? list : []) {
    for (const [event, fn] of Object.entries(entry as Record<string, unknown>)) {
      if (!HOOK_EVENTS.has(event)) {
        throw new AwsJsonError('InvalidRevisionException', `The AppSpec names a hook for ${event}, which is not an ECS lifecycle hook event`);
      }
      hooks[event as EcsLifecycleEvent] = String(fn);
    }
  }
  return hooks;
}


/** One page of deployment ids (100 per page, as CodeDeploy); `nextToken` is the offset. */
export function page(ids: string[], nextToken: unknown): { deployments: string[]; nextToken?: string } {
  const size = 100;
  const start = typeof nextToken === 'string' && /^\d+$/.test(nextToken) ? Number(nextToken) : 0;
  if (nextToken !== undefined && typeof nextToken === 'string' && !/^\d+$/.test(nextToken)) {
    throw new AwsJsonError('InvalidNextTokenException', 'The next token was specified in an invalid format.');
  }
  const slice = ids.slice(start, start + size);
  return { deployments: slice, ...(start + size < ids.length ? { nextToken: String(start + size) } : {}) };
}

/** The group, or CodeDeploy's exception for a missing or unknown application or group name. */
export function findGroup(groups: readonly ResolvedGroup[], applicationName: unknown, deploymentGroupName: unknown): ResolvedGroup {
  if (!applicationName) throw new AwsJsonError('ApplicationNameRequiredException', 'The application name must be specified.');
  if (!groups.some((g) => g.applicationName === applicationName)) {
    throw new AwsJsonError('ApplicationDoesNotExistException', `No application found for name: ${applicationName}`);
  }
  if (!deploymentGroupName) throw new AwsJsonError('DeploymentGroupNameRequiredException', 'The deployment group name must be specified.');
  const g = groups.find((x) => x.applicationName === applicationName && x.deploymentGroupName === deploymentGroupName);
  if (!g) throw new AwsJsonError('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${deploymentGroupName}`);
  return g;
}

/** The deployment, or CodeDeploy's exception for a missing, malformed or unknown id. */
export function findDeployment(simulation: DeploymentSimulation, id: unknown): Deployment {
  if (id === undefined || id === null || id === '') throw new AwsJsonError('DeploymentIdRequiredException', 'A deployment ID must be specified.');
  if (typeof id !== 'string' || !/^d-[A-Z0-9]{9}$/.test(id)) throw new AwsJsonError('InvalidDeploymentIdException', `Specified DeploymentId is not in the valid format: ${String(id)}`);
  const d = simulation.get(id);
  if (!d) throw new AwsJsonError('DeploymentDoesNotExistException', `The deployment ${id} could not be found`);
  return d;
}

/** Deployment targets exist only once the deployment has started, as in CodeDeploy. */
export function startedDeployment(simulation: DeploymentSimulation, id: unknown): Deployment {
  const d = findDeployment(simulation, id);
  if (d.status === 'Created' || d.status === 'Queued') {
    throw new AwsJsonError('DeploymentNotStartedException', `The deployment ${d.id} has not started.`);
  }
  return d;
}

/** The hook function per lifecycle event of a revision (inline AppSpec, or an S3 object the test registered). */
export function hooksOfRevision(revision: Revision, s3Objects: ReadonlyMap<string, string>): Partial<Record<EcsLifecycleEvent, string>> {
  if (revision.revisionType === 'AppSpecContent') {
    const content = revision.appSpecContent?.content;
    if (typeof content !== 'string' || content.length === 0) throw new AwsJsonError('InvalidRevisionException', 'appSpecContent.content must be specified');
    const sha = revision.appSpecContent?.sha256;
    if (sha !== undefined && sha !== createHash('sha256').update(content, 'utf8').digest('hex')) {
      throw new AwsJsonError('InvalidRevisionException', 'The SHA-256 of the AppSpec content does not match appSpecContent.sha256');
    }
    return parseAppSpecHooks(content);
  }
  if (revision.revisionType === 'S3') {
    const loc = revision.s3Location;
    if (!loc?.bucket || !loc.key) throw new AwsJsonError('InvalidRevisionException', 's3Location.bucket and s3Location.key must be specified');
    if (loc.bundleType !== undefined && !['YAML', 'JSON'].includes(loc.bundleType)) {
      throw new AwsJsonError('InvalidRevisionException', `An ECS AppSpec in S3 must have bundleType YAML or JSON, got ${loc.bundleType}`);
    }
    const content = s3Objects.get(loc.version ? `${loc.bucket}/${loc.key}?${loc.version}` : `${loc.bucket}/${loc.key}`);
    if (content === undefined) throw new AwsJsonError('RevisionDoesNotExistException', `The revision s3://${loc.bucket}/${loc.key} does not exist`);
    return parseAppSpecHooks(content);
  }
  throw new AwsJsonError('InvalidRevisionException', `revisionType ${String((revision as Revision).revisionType)} is not supported for ECS (use AppSpecContent or S3)`);
}
