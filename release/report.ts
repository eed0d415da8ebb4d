/**
 * The release's end-of-run report: the `--json` document, the GitHub step summary and GITHUB_OUTPUT
 * lines. Pure functions of the final state.
 *
 * Written here rather than with @actions/core: the release runs outside GitHub Actions as often as in
 * it, and all it needs of Actions is to append Markdown to one file and `name=value` lines to another
 * (GitHub's documented file formats); @actions/core would add a dependency tree (its HTTP client and
 * OIDC code) to every install for two appends.
 */
import { diagnosticsMarkdown } from './diagnostics/render';
import type { Diagnostics } from './diagnostics/types';
import type { LifecycleEventProgress } from './progress';

/** The `ecs` member of the JSON document of an ECS-native release. */
export interface EcsReportMembers {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly taskDefinitionArn: string;
  /** @default - no service deployment was read */
  readonly serviceDeploymentArn?: string;
  /** ServiceDeploymentStatus as ECS spells it, e.g. `ROLLBACK_SUCCESSFUL`. */
  readonly status?: string;
  readonly statusReason?: string;
  readonly lifecycleStage?: string;
  readonly targetServiceRevisionArn?: string;
  readonly triggeredAlarmNames?: readonly string[];
  readonly rollbackReason?: string;
}

/** The single JSON document `--json` prints (contract: docs/release.md). */
export interface ReleaseReport {
  /** The service released (a stack with several services, `--service`). @default - none */
  readonly service?: string;
  /**
   * Which controller deployed the service: `CODE_DEPLOY` or `ECS` (docs/release.md, "ECS-native
   * services"). @default - not known (bad input)
   */
  readonly controller?: 'CODE_DEPLOY' | 'ECS';
  /** A CodeDeploy deployment id, or (ECS) the service deployment ARN. */
  readonly deploymentId: string | null;
  /**
   * In one vocabulary for both controllers: CodeDeploy's deployment statuses (ECS's are mapped:
   * docs/release.md), `DryRun`, or `Unchanged` (ECS: the service already ran the task definition).
   */
  readonly status: string | null;
  readonly exitCode: number;
  /** CodeDeploy only (null for ECS). */
  readonly applicationName: string | null;
  /** CodeDeploy only (null for ECS). */
  readonly deploymentGroupName: string | null;
  /** ECS only: the service, and ECS's own words for its service deployment. @default - CodeDeploy */
  readonly ecs?: EcsReportMembers;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationInSeconds: number;
  readonly consoleUrl?: string;
  readonly lifecycleEvents: readonly LifecycleEventProgress[];
  readonly rollbackDeploymentId?: string;
  readonly rollbackStatus?: string;
  readonly until?: string;
  readonly error?: { readonly code: string; readonly message: string };
  /** What explains a failure, rollback or timeout (docs/release.md, "Failure diagnostics"). */
  readonly diagnostics?: Diagnostics;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Markdown for `$GITHUB_STEP_SUMMARY`. */
export function stepSummaryMarkdown(report: ReleaseReport): string {
  const ok = report.exitCode === 0;
  const lines = [
    `### ${ok ? '✅' : '❌'} Release${report.service ? ` of ${cell(report.service)}` : ''} ${report.status ?? 'not started'}${report.deploymentId ? ` — \`${report.deploymentId}\`` : ''}`,
    '',
    '| | |',
    '|---|---|',
    ...(report.ecs
      ? [`| Cluster | ${cell(report.ecs.clusterName)} |`, `| Service | ${cell(report.ecs.serviceName)} |`, `| Task definition | ${cell(report.ecs.taskDefinitionArn)} |`]
      : [`| Application | ${cell(report.applicationName ?? '–')} |`, `| Deployment group | ${cell(report.deploymentGroupName ?? '–')} |`]),
    `| Deployment | ${report.deploymentId ? (report.consoleUrl ? `[${report.deploymentId}](${report.consoleUrl})` : report.deploymentId) : '–'} |`,
    `| Status | ${report.status ?? '–'} |`,
    `| Exit code | ${report.exitCode} |`,
    `| Duration | ${report.durationInSeconds} s |`,
  ];
  if (report.until) lines.push(`| Followed until | ${report.until} |`);
  if (report.rollbackDeploymentId) lines.push(`| Rollback | \`${report.rollbackDeploymentId}\` ${report.rollbackStatus ?? ''} |`);
  if (report.error) lines.push(`| Error | ${cell(`${report.error.code}: ${report.error.message}`)} |`);
  if (report.lifecycleEvents.length > 0) {
    lines.push('', `| ${report.ecs ? 'Lifecycle stage' : 'Lifecycle event'} | Status | Started | Ended |`, '|---|---|---|---|');
    for (const e of report.lifecycleEvents) {
      lines.push(`| ${e.name} | ${e.status} | ${e.startedAt ?? ''} | ${e.endedAt ?? ''} |`);
      if (e.diagnostics?.message) lines.push(`| ↳ ${cell(e.diagnostics.errorCode ?? '')} | ${cell(e.diagnostics.message)} | | |`);
    }
  }
  if (report.diagnostics) lines.push('', diagnosticsMarkdown(report.diagnostics).trimEnd());
  return `${lines.join('\n')}\n\n`;
}

/** Lines for `$GITHUB_OUTPUT`. */
export function githubOutputLines(report: ReleaseReport): string {
  const outputs: Record<string, string> = { deployment_id: report.deploymentId ?? '', status: report.status ?? '' };
  // With several services the unsuffixed names hold the last one's; each also gets its own names.
  if (report.service) {
    const suffix = report.service.replace(/[^A-Za-z0-9_-]/g, '_');
    outputs[`deployment_id_${suffix}`] = outputs.deployment_id!;
    outputs[`status_${suffix}`] = outputs.status!;
  }
  return githubOutputText(outputs);
}

/**
 * `$GITHUB_OUTPUT` text: `name=value` lines, and GitHub's delimiter form (`name<<DELIMITER`) for a
 * value with a line break, so no value can add outputs of its own. Pure (the delimiter is the first
 * `ghadelimiter_<n>` the value does not contain).
 */
export function githubOutputText(outputs: Readonly<Record<string, string>>): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
      let n = 0;
      while (value.includes(`ghadelimiter_${n}`)) n++;
      return `${name}<<ghadelimiter_${n}\n${value}\nghadelimiter_${n}\n`;
    })
    .join('');
}

/** Where the GitHub Actions files go, and how to append to them. */
export interface GithubFiles {
  readonly stepSummaryPath?: string;
  readonly outputPath?: string;
  readonly appendFile: (path: string, text: string) => void;
}

/**
 * Appends the step summary and the outputs. A file that cannot be written (a bad path, a full disk)
 * must not change the release's result, which has already been decided and printed: the problem is
 * returned as a warning instead of thrown.
 */
export function writeGithubFiles(report: ReleaseReport, files: GithubFiles): string[] {
  const warnings: string[] = [];
  const write = (variable: string, path: string | undefined, text: string): void => {
    if (!path) return;
    try {
      files.appendFile(path, text);
    } catch (err) {
      warnings.push(`could not write ${variable} (${path}): ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  write('GITHUB_STEP_SUMMARY', files.stepSummaryPath, stepSummaryMarkdown(report));
  write('GITHUB_OUTPUT', files.outputPath, githubOutputLines(report));
  return warnings;
}
