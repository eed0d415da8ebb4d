/**
 * The GitHub Actions workflows: validated against the published workflow schema with
 * @action-validator/core, plus the properties that matter here (least privilege, no stored AWS keys,
 * pinned actions, the sticky comment, the hazard gate, release concurrency). Shell steps and the
 * comment script are executed for real with stand-ins for the runner.
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { markerComment, markerId } from '../plan-report';
import { selectStackOutputs } from '../release/outputs-file';
import { declaredStacks } from '../scripts/offline-stacks';
import { npmScriptCommand } from '../test-support/npm-script';

/** The stacks the app declares, as the workflows' stacks jobs list them. */
const DECLARED = declaredStacks();

const ROOT = path.join(__dirname, '..');
const WORKFLOW_DIR = path.join(ROOT, '.github', 'workflows');
const FILES = readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly 'working-directory'?: string;
  readonly shell?: string;
}
interface Job {
  readonly permissions?: Record<string, string> | string;
  readonly steps?: Step[];
  readonly uses?: string;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: unknown;
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly strategy?: { matrix: Record<string, unknown>; readonly 'max-parallel'?: number; readonly 'fail-fast'?: boolean };
  readonly outputs?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
  readonly defaults?: { readonly run?: { readonly shell?: string } };
}
interface Workflow {
  readonly on: Record<string, any>;
  readonly permissions?: unknown;
  readonly env?: Record<string, string>;
  readonly defaults?: { readonly run?: { readonly shell?: string } };
  readonly jobs: Record<string, Job>;
}

/**
 * The command a GitHub-hosted Linux runner runs a `run:` script with, by the step's effective
 * `shell` (step, else job `defaults.run`, else workflow `defaults.run`). Unspecified is `bash -e {0}`:
 * no pipefail, so `a | b` succeeds when `a` fails.
 */
const RUNNER_SHELLS: Readonly<Record<string, string>> = {
  '': 'bash -e {0}',
  bash: 'bash --noprofile --norc -eo pipefail {0}',
  sh: 'sh -e {0}',
};

function shellTemplate(workflow: Workflow, job: Job, s: Step): string {
  const shell = s.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? '';
  return RUNNER_SHELLS[shell] ?? shell;
}

/** The shell command template of every step of every loaded workflow (so runStep runs it as the runner would). */
const SHELLS = new WeakMap<Step, string>();

const text = (file: string): string => readFileSync(path.join(WORKFLOW_DIR, file), 'utf8');
const load = (file: string): Workflow => {
  const workflow = parse(text(file)) as Workflow;
  for (const job of Object.values(workflow.jobs)) {
    for (const s of job.steps ?? []) SHELLS.set(s, shellTemplate(workflow, job, s));
  }
  return workflow;
};

function step(job: Job, name: string): Step {
  const found = job.steps?.find((s) => s.name === name);
  if (!found) throw new Error(`no step named ${JSON.stringify(name)}`);
  return found;
}

function stepUsing(job: Job, action: string): Step {
  const found = job.steps?.find((s) => s.uses?.startsWith(`${action}@`));
  if (!found) throw new Error(`no step uses ${action}`);
  return found;
}

/** The command line a step's script runs with: the runner's shell for it, from its template. */
function stepCommand(s: Step, template: string | undefined, scriptDir: string): { command: string; args: string[] } {
  if (template === undefined || s.run === undefined) throw new Error(`not a run step of a loaded workflow: ${s.name}`);
  const script = path.join(scriptDir, 'step.sh');
  writeFileSync(script, s.run);
  const [command, ...args] = template.split(/\s+/).map((word) => word.replace('{0}', script));
  return { command: command!, args };
}

/** Runs a step's script with the shell the runner would use for it, with the given environment and cwd. */
function runStep(s: Step, cwd: string, env: Record<string, string>, template = SHELLS.get(s)): { status: number | null; stdout: string; stderr: string } {
  const scriptDir = mkdtempSync(path.join(os.tmpdir(), 'workflow-script-'));
  try {
    const { command, args } = stepCommand(s, template, scriptDir);
    const result = spawnSync(command, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
      encoding: 'utf8',
      timeout: 60000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(scriptDir, { recursive: true, force: true });
  }
}

/** {@link runStep} without blocking: steps that share nothing (own cwd, own output files) run at once. */
async function runStepAsync(s: Step, cwd: string, env: Record<string, string>, template = SHELLS.get(s)): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const scriptDir = mkdtempSync(path.join(os.tmpdir(), 'workflow-script-'));
  try {
    const { command, args } = stepCommand(s, template, scriptDir);
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    }).finally(() => clearTimeout(timer));
    return { status, stdout, stderr };
  } finally {
    rmSync(scriptDir, { recursive: true, force: true });
  }
}

/** Reads `key=value` lines a step appended to $GITHUB_OUTPUT. */
function outputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

test('the workflows are the pull-request and release workflows', () => {
  expect(FILES).toEqual(['pull-request.yml', 'release-stack.yml', 'release.yml']);
});

describe.each(FILES)('%s', (file) => {
  test('passes @action-validator/core (the published workflow schema) with no errors', () => {
    const state = validateWorkflow(text(file));
    expect(state.errors).toEqual([]);
  });

  test('grants nothing at the top level and declares permissions on every job', () => {
    const workflow = load(file);
    expect(workflow.permissions).toEqual({});
    for (const [id, job] of Object.entries(workflow.jobs)) {
      expect([id, typeof job.permissions]).toEqual([id, 'object']);
    }
  });

  test('write permissions are only those the job needs (OIDC token, PR comment)', () => {
    const allowedWrites = ['id-token', 'pull-requests'];
    for (const job of Object.values(load(file).jobs)) {
      const writes = Object.entries(job.permissions as Record<string, string>).filter(([, level]) => level === 'write').map(([scope]) => scope);
      expect(writes.filter((w) => !allowedWrites.includes(w))).toEqual([]);
    }
  });

  test('uses no long-lived AWS keys', () => {
    const source = text(file);
    expect(source).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|secrets\.AWS/i);
    for (const job of Object.values(load(file).jobs)) {
      for (const s of job.steps ?? []) {
        if (s.uses?.startsWith('aws-actions/configure-aws-credentials@')) {
          expect(s.with?.['role-to-assume']).toMatch(/^\$\{\{ vars\.AWS_(PLAN|RELEASE)_ROLE_ARN \}\}$/);
          expect((job.permissions as Record<string, string>)['id-token']).toBe('write');
        }
      }
    }
  });

  test('pins every action to a major version or a full commit SHA, with a comment saying which', () => {
    const uses = text(file)
      .split('\n')
      .filter((line) => /^\s*-?\s*uses:\s*\S/.test(line) && !/uses:\s*\.\//.test(line));
    for (const line of uses) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40}) # v\d+/);
    }
    // Reusable workflows of this repository are referenced by path and must exist.
    const local = [...text(file).matchAll(/uses:\s*\.\/(\S+)/g)].map((m) => m[1]);
    for (const target of local) expect(FILES).toContain(path.basename(target));
    expect(uses.length + local.length).toBeGreaterThan(0);
  });

  test('sets up the pinned Terraform 1.11.4 without the wrapper wherever Terraform runs', () => {
    const workflow = load(file);
    for (const job of Object.values(workflow.jobs)) {
      const runsTerraform = (job.steps ?? []).some((s) => /\bterraform (init|plan|apply|show|output)/.test(s.run ?? ''));
      if (!runsTerraform) continue;
      const setup = stepUsing(job, 'hashicorp/setup-terraform');
      const version = String(setup.with?.terraform_version).replace('${{ env.TERRAFORM_VERSION }}', workflow.env?.TERRAFORM_VERSION ?? '');
      expect(version).toBe('1.11.4');
      expect(setup.with?.terraform_wrapper).toBe(false);
    }
  });

  test('every run step stops at a failing command, also one inside a pipe, and at an unset variable', async () => {
    // The runner's default (`bash -e`) would let `terraform show -json | jq ...` pass with empty output.
    const workflow = load(file);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-shell-'));
    try {
      const PROBES = ['false | cat\necho survived', 'echo "$SURELY_UNSET_VARIABLE"\necho survived', 'false\necho survived'];
      const steps = Object.entries(workflow.jobs).flatMap(([id, job]) => (job.steps ?? []).filter((x) => x.run !== undefined).map((s) => [`${id}: ${s.name ?? s.run}`, s] as const));
      // A probe replaces the step's script and runs in the same cwd and environment, so its outcome depends
      // only on the step's shell command: each distinct command is probed once (at once: each probe has its
      // own script and writes nothing in the shared cwd) and its outcome is reported for every step using it.
      const outcomes = new Map<string, Promise<[boolean, boolean][]>>();
      for (const [, s] of steps) {
        const template = SHELLS.get(s)!;
        if (!outcomes.has(template)) {
          outcomes.set(
            template,
            Promise.all(PROBES.map(async (probe) => {
              const result = await runStepAsync({ ...s, run: probe }, dir, {}, template);
              return [result.status !== 0, result.stdout.includes('survived')] as [boolean, boolean];
            })),
          );
        }
      }
      const results = await Promise.all(steps.map(async ([where, s]) => (await outcomes.get(SHELLS.get(s)!)!).map(([failed, survived], i) => [where, PROBES[i], failed, survived])));
      expect(results.length).toBeGreaterThan(0);
      expect(results.flat()).toEqual(results.flat().map(([where, probe]) => [where, probe, true, false]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('names no stack of the app: the stacks jobs list them, so adding an environment changes only the app', () => {
    for (const d of DECLARED) expect(text(file)).not.toContain(d.stack);
  });

  test('npm scripts the workflow runs exist in package.json', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const used = [...text(file).matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]);
    expect(used.filter((s) => !scripts.includes(s))).toEqual([]);
  });
});

describe('pull-request workflow', () => {
  const workflow = load('pull-request.yml');
  const plan = workflow.jobs.plan;

  test('runs on pull requests, including label changes (to re-check the acknowledgement)', () => {
    expect(workflow.on.pull_request.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled']));
  });

  test('checks first: npm ci from the lockfile, type check, test, synth', () => {
    const runs = (workflow.jobs.check.steps ?? []).map((s) => s.run).filter((r): r is string => r !== undefined);
    expect(runs).toEqual([expect.stringMatching(/^npm ci\b/), 'npm run typecheck', 'npm test', 'npm run synth']);
    expect(plan.needs).toContain('check');
  });

  test('plans every stack the app declares: a matrix over what the stacks job lists, synthesizing only that stack', () => {
    expect(plan.needs).toEqual(['check', 'stacks']);
    expect(plan.strategy?.matrix).toEqual({ include: '${{ fromJSON(needs.stacks.outputs.stacks) }}' });
    expect(workflow.jobs.stacks!.outputs).toEqual({ stacks: '${{ steps.list.outputs.stacks }}' });
    expect(plan.env?.ENVIRONMENTS).toBe('${{ matrix.environment }}');
  });

  test('the stacks job lists the stacks the app declares as one JSON line (the step, run in this checkout)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-stacks-'));
    try {
      const out = path.join(dir, 'output');
      writeFileSync(out, '');
      const result = runStep(step(workflow.jobs.stacks!, 'List the stacks'), ROOT, { GITHUB_OUTPUT: out });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(JSON.parse(outputs(out).stacks!)).toEqual(DECLARED);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30000);

  test('plans with init, plan -out and show -json in the stack directory', () => {
    expect(plan.env?.STACK_DIR).toBe('cdktf.out/stacks/${{ matrix.stack }}');
    for (const name of ['terraform init', 'terraform plan', 'terraform show -json']) {
      expect(step(plan, name)['working-directory']).toBe('${{ env.STACK_DIR }}');
    }
    expect(step(plan, 'terraform plan').run).toMatch(/terraform plan .*-out=tfplan/);
    expect(step(plan, 'terraform show -json').run).toBe('terraform show -json tfplan > plan.json');
  });

  test('the comment marker is the one the reporter writes for the stack', () => {
    const marker = step(plan, 'Sticky plan comment').env?.MARKER ?? '';
    for (const stack of DECLARED.map((d) => d.stack)) {
      expect(marker.replace('${{ matrix.stack }}', stack)).toBe(markerComment(markerId(stack)));
    }
    expect(step(plan, 'Plan report').run).toContain('--marker "$STACK"');
  });

  test('uploads the plan as an artifact per stack', () => {
    const upload = stepUsing(plan, 'actions/upload-artifact');
    expect(upload.with?.name).toBe('plan-${{ matrix.stack }}');
    expect(String(upload.with?.path)).toContain('${{ env.STACK_DIR }}/tfplan');
  });

  test('both synth steps put the state in the bucket of vars.TF_STATE_BUCKET (BLUEGREEN_STATE_BUCKET), and only they', () => {
    for (const job of [workflow.jobs.check, plan]) {
      expect(step(job, 'Synth').env).toEqual({
        BLUEGREEN_STATE_BUCKET: '${{ vars.TF_STATE_BUCKET }}',
        BLUEGREEN_STATE_REGION: '${{ vars.TF_STATE_REGION }}',
      });
    }
    // Tests stay hermetic: the variable is not set for the whole job.
    expect(workflow.env?.BLUEGREEN_STATE_BUCKET).toBeUndefined();
    expect(workflow.jobs.check.env?.BLUEGREEN_STATE_BUCKET).toBeUndefined();
    expect(step(workflow.jobs.check, 'Test').env?.BLUEGREEN_STATE_BUCKET).toBeUndefined();
  });

  describe('sticky comment script (run with a fake GitHub API)', () => {
    const script = String(step(plan, 'Sticky plan comment').with?.script);
    const MARKER = '<!-- plan-report:bluegreen-dev -->';

    async function runScript(comments: { id: number; body: string; user: { type: string } }[], body: string) {
      const calls: string[] = [];
      let nextId = 100;
      const github = {
        paginate: async (_fn: unknown, _args: unknown) => comments,
        rest: {
          issues: {
            listComments: () => undefined,
            updateComment: async ({ comment_id, body: b }: { comment_id: number; body: string }) => {
              calls.push(`update ${comment_id}`);
              const c = comments.find((x) => x.id === comment_id)!;
              c.body = b;
            },
            createComment: async ({ body: b }: { body: string }) => {
              calls.push('create');
              comments.push({ id: nextId++, body: b, user: { type: 'Bot' } });
              return { data: { html_url: 'https://example.test/c' } };
            },
          },
        },
      };
      const fakeRequire = (name: string) => {
        if (name !== 'node:fs' && name !== 'fs') throw new Error(`unexpected require ${name}`);
        return { readFileSync: () => body };
      };
      const context = { repo: { owner: 'o', repo: 'r' }, payload: { pull_request: { number: 7 } } };
      const core = { info: () => undefined };
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
      await new AsyncFunction('require', 'github', 'context', 'core', 'process', script)(fakeRequire, github, context, core, { env: { MARKER } });
      return calls;
    }

    test('creates the comment on the first push and updates the same one on the next', async () => {
      const comments = [{ id: 1, body: 'LGTM', user: { type: 'User' } }];
      expect(await runScript(comments, `${MARKER}\nfirst plan`)).toEqual(['create']);
      expect(await runScript(comments, `${MARKER}\nsecond plan`)).toEqual(['update 100']);
      expect(comments.filter((c) => c.body.startsWith(MARKER))).toEqual([{ id: 100, body: `${MARKER}\nsecond plan`, user: { type: 'Bot' } }]);
    });

    test("never edits a person's comment that quotes the marker, nor another stack's comment", async () => {
      const comments = [
        { id: 1, body: `${MARKER}\ncopied by a reviewer`, user: { type: 'User' } },
        { id: 2, body: '<!-- plan-report:bluegreen-prod -->\nprod plan', user: { type: 'Bot' } },
      ];
      expect(await runScript(comments, `${MARKER}\nplan`)).toEqual(['create']);
    });
  });

  describe('shell steps (run with bash and a stand-in runner)', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-step-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function runner(extra: Record<string, string> = {}): Record<string, string> {
      writeFileSync(path.join(dir, 'output'), '');
      writeFileSync(path.join(dir, 'summary'), '');
      return { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary'), ...extra };
    }

    const reporter = npmScriptCommand('plan:report');
    /** A directory where `npm run plan:report` runs this project's reporter, like the checkout. */
    function checkout(planFixture: string): Record<string, string> {
      const stackDir = path.join(dir, 'cdktf.out', 'stacks', 'bluegreen-dev');
      mkdirSync(stackDir, { recursive: true });
      copyFileSync(path.join(__dirname, 'fixtures', 'plans', planFixture), path.join(stackDir, 'plan.json'));
      writeFileSync(
        path.join(dir, 'package.json'),
        // The project's own plan:report command (the precompiled reporter), its paths made absolute.
        JSON.stringify({ name: 'checkout', private: true, scripts: { 'plan:report': [reporter.command, ...reporter.args].map((a) => JSON.stringify(a)).join(' ') } }),
      );
      return runner({ STACK: 'bluegreen-dev', STACK_DIR: 'cdktf.out/stacks/bluegreen-dev', PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` });
    }

    test('Plan report: a blocking hazard records exit-code=1, writes the comment and summary, and the step passes', () => {
      const env = checkout('listener-default-action-updated.json');
      const result = runStep(step(plan, 'Plan report'), dir, env);
      expect(result.status).toBe(0);
      expect(outputs(env.GITHUB_OUTPUT)).toEqual({ 'exit-code': '1' });
      expect(readFileSync(path.join(dir, 'plan-report.md'), 'utf8').startsWith('<!-- plan-report:bluegreen-dev -->\n')).toBe(true);
      expect(readFileSync(path.join(dir, 'plan-report.txt'), 'utf8')).toContain('[BLOCKING] aws_lb_listener.production');
      expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('Blue/green hazards');
    }, 60000);

    test('Plan report: a plan that is not a 1.x plan fails the step with exit 2', () => {
      const env = checkout('listener-default-action-updated.json');
      writeFileSync(path.join(dir, 'cdktf.out', 'stacks', 'bluegreen-dev', 'plan.json'), '{"format_version":"0.1"}');
      const result = runStep(step(plan, 'Plan report'), dir, env);
      expect(result.status).toBe(2);
      expect(outputs(env.GITHUB_OUTPUT)).toEqual({ 'exit-code': '2' });
    }, 60000);

    test('the hazard gate fails without the label and passes with it', () => {
      const gate = step(plan, 'Blocking hazards need the acknowledgement label');
      expect(gate.if).toBe("steps.report.outputs.exit-code == '1'");
      expect(gate.env?.ACKNOWLEDGED).toBe(`\${{ contains(github.event.pull_request.labels.*.name, '${workflow.env?.HAZARD_LABEL}') }}`);
      const env = { STACK: 'bluegreen-dev', HAZARD_LABEL: String(workflow.env?.HAZARD_LABEL) };
      const refused = runStep(gate, dir, { ...env, ACKNOWLEDGED: 'false' });
      expect(refused.status).toBe(1);
      expect(refused.stdout).toContain('::error::bluegreen-dev: the plan has blocking blue/green hazards');
      expect(runStep(gate, dir, { ...env, ACKNOWLEDGED: 'true' }).status).toBe(0);
    });

    test('State backend: a stack with local state is not planned and says why in its comment', () => {
      const stackDir = path.join(dir, 'stack');
      mkdirSync(stackDir);
      const env = runner({ STACK: 'bluegreen-dev', STACK_DIR: stackDir });
      writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'x.tfstate' } } } }));
      expect(runStep(step(plan, 'State backend'), dir, env).status).toBe(0);
      expect(outputs(env.GITHUB_OUTPUT)).toEqual({ remote: 'false' });
      expect(readFileSync(path.join(dir, 'plan-report.md'), 'utf8')).toMatch(/^<!-- plan-report:bluegreen-dev -->\n[\s\S]*Not planned/);

      const s3 = runner({ STACK: 'bluegreen-prod', STACK_DIR: stackDir });
      writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { s3: { bucket: 'b' } } } }));
      expect(runStep(step(plan, 'State backend'), dir, s3).status).toBe(0);
      expect(outputs(s3.GITHUB_OUTPUT)).toEqual({ remote: 'true' });
    });

    test('State backend: the not-planned notice and comment name the repository variable TF_STATE_BUCKET', () => {
      const stackDir = path.join(dir, 'stack');
      mkdirSync(stackDir);
      writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'x.tfstate' } } } }));
      const result = runStep(step(plan, 'State backend'), dir, runner({ STACK: 'bluegreen-dev', STACK_DIR: stackDir }));
      expect(result.stdout).toMatch(/^::notice::bluegreen-dev keeps its state locally; .*repository variable TF_STATE_BUCKET/);
      expect(readFileSync(path.join(dir, 'plan-report.md'), 'utf8')).toContain('Set the repository variable `TF_STATE_BUCKET`');
    });
  });
});

describe('release workflows', () => {
  const caller = load('release.yml');
  const release = load('release-stack.yml').jobs.release;

  test('run on pushes to main and on manual dispatch with an environment and an image tag', () => {
    expect(caller.on.push.branches).toEqual(['main']);
    expect(caller.on.workflow_dispatch.inputs.environment).toMatchObject({ type: 'string', required: true });
    expect(Object.keys(caller.on.workflow_dispatch.inputs)).toEqual(['environment', 'image-tag']);
  });

  test('releases the listed stacks one at a time, in order, a failure cancelling the ones after it', () => {
    const job = caller.jobs.release!;
    expect(job.needs).toBe('stacks');
    expect(job.uses).toBe('./.github/workflows/release-stack.yml');
    expect(job.strategy).toEqual({ 'max-parallel': 1, 'fail-fast': true, matrix: { include: '${{ fromJSON(needs.stacks.outputs.stacks) }}' } });
    expect(job.with).toEqual({ environment: '${{ matrix.environment }}', stack: '${{ matrix.stack }}', 'image-tag': "${{ inputs.image-tag || '' }}" });
    expect(Object.keys(caller.jobs).sort()).toEqual(['release', 'stacks']);
  });

  describe('the stacks job (its step, run in this checkout)', () => {
    const list = step(caller.jobs.stacks!, 'List the stacks');
    function listStacks(environment: string) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-release-stacks-'));
      try {
        const out = path.join(dir, 'output');
        writeFileSync(out, '');
        const result = runStep(list, ROOT, { GITHUB_OUTPUT: out, ENVIRONMENT: environment });
        return { ...result, stacks: outputs(out).stacks };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    test('lists every stack on a push (no environment input)', () => {
      expect(list.env?.ENVIRONMENT).toBe("${{ inputs.environment || '' }}");
      const r = listStacks('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stacks!)).toEqual(DECLARED);
    }, 30000);

    test('lists only the dispatched environment', () => {
      const last = DECLARED[DECLARED.length - 1]!;
      const r = listStacks(last.environment);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stacks!)).toEqual([last]);
    }, 30000);

    test('fails on an environment the app does not declare, naming the ones it does', () => {
      const r = listStacks('staging-typo');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`"staging-typo" is not an environment of the app; its environments are ${DECLARED.map((d) => d.environment).join(', ')}`);
      expect(r.stacks).toBeUndefined();
    }, 30000);
  });

  test('one release per environment at a time, never cancelled, in a protected GitHub environment', () => {
    expect(release.concurrency).toEqual({ group: 'release-${{ inputs.environment }}', 'cancel-in-progress': false });
    expect(release.environment).toBe('${{ inputs.environment }}');
  });

  test('builds and pushes the image tagged with the commit before apply, then runs the release with JSON output', () => {
    const names = (release.steps ?? []).map((s) => s.name ?? s.uses ?? '');
    const order = ['Ensure the ECR repository exists', 'Build and push the image', 'terraform apply', 'Stack outputs', 'Release (CodeDeploy blue/green)'];
    const positions = order.map((n) => names.indexOf(n));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(release.env?.IMAGE_TAG).toBe('${{ inputs.image-tag || github.sha }}');
    expect(step(release, 'Release (CodeDeploy blue/green)').run).toBe('npm run --silent release -- --stack "$STACK" --outputs-file outputs.json --json > release.json');
    expect(release.env?.STACK).toBe('${{ inputs.stack }}');
    expect(release.env?.STACK_DIR).toBe('cdktf.out/stacks/${{ inputs.stack }}');
    expect(release.env?.ENVIRONMENTS).toBe('${{ inputs.environment }}');
  });

  test('the synth step puts the state in the bucket of vars.TF_STATE_BUCKET (BLUEGREEN_STATE_BUCKET)', () => {
    expect(step(release, 'Synth (image tag passed to the stack)').env).toEqual({
      BLUEGREEN_STATE_BUCKET: '${{ vars.TF_STATE_BUCKET }}',
      BLUEGREEN_STATE_REGION: '${{ vars.TF_STATE_REGION }}',
    });
  });

  test('the synth step refuses local state, naming the repository variable TF_STATE_BUCKET, and accepts s3 state', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-synth-'));
    try {
      // `npm run synth` stands in as a no-op; the step then reads the cdk.tf.json written here.
      const bin = path.join(dir, 'bin');
      mkdirSync(bin);
      writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\nexit 0\n');
      chmodSync(path.join(bin, 'npm'), 0o755);
      const stackDir = path.join(dir, 'cdktf.out', 'stacks', 'bluegreen-dev');
      mkdirSync(stackDir, { recursive: true });
      const env = () => {
        writeFileSync(path.join(dir, 'github-env'), '');
        return { ENVIRONMENTS: 'dev', STACK: 'bluegreen-dev', STACK_DIR: stackDir, IMAGE_TAG: 'abc', GITHUB_ENV: path.join(dir, 'github-env'), PATH: `${bin}:${process.env.PATH}` };
      };
      const script = step(release, 'Synth (image tag passed to the stack)');

      writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'x.tfstate' } } } }));
      const refused = runStep(script, dir, env());
      expect(refused.status).toBe(1);
      expect(refused.stdout).toMatch(/^::error::bluegreen-dev keeps its state locally; .*Set the repository variable TF_STATE_BUCKET/m);

      writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { s3: { bucket: 'ci-state' } } } }));
      const accepted = runStep(script, dir, env());
      expect(accepted.status).toBe(0);
      expect(readFileSync(path.join(dir, 'github-env'), 'utf8')).toBe('BLUEGREEN_DEV_IMAGE_TAG=abc\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A `terraform` on PATH that prints `show`'s JSON or fails on the subcommands named in `failing`. */
  function fakeTerraform(dir: string, failing: readonly string[], show = '{}'): string {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const cases = failing.map((sub) => `  ${sub}) echo "Error: ${sub} failed" >&2; exit 1 ;;`).join('\n');
    writeFileSync(path.join(bin, 'terraform'), `#!/bin/sh\ncase "$1" in\n${cases}\n  show) cat <<'JSON'\n${show}\nJSON\n ;;\nesac\nexit 0\n`);
    chmodSync(path.join(bin, 'terraform'), 0o755);
    return `${bin}:${process.env.PATH}`;
  }

  test('Ensure the ECR repository exists: outputs the repository URL, and fails (no empty URL) when terraform show fails', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-ecr-'));
    try {
      writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify({ resource: { aws_ecr_repository: { app: { name: 'bluegreen-dev' } } } }));
      const url = '123456789012.dkr.ecr.us-east-1.amazonaws.com/bluegreen-dev';
      const state = { values: { root_module: { resources: [{ address: 'aws_ecr_repository.app', values: { repository_url: url } }] } } };
      const env = (failing: string[]) => {
        writeFileSync(path.join(dir, 'output'), '');
        return { STACK: 'bluegreen-dev', GITHUB_OUTPUT: path.join(dir, 'output'), PATH: fakeTerraform(dir, failing, JSON.stringify(state)) };
      };
      const ok = runStep(step(release, 'Ensure the ECR repository exists'), dir, env([]));
      expect(ok.status).toBe(0);
      expect(outputs(path.join(dir, 'output'))).toEqual({ 'repository-url': url, 'repository-name': 'bluegreen-dev' });

      const failed = runStep(step(release, 'Ensure the ECR repository exists'), dir, env(['show']));
      expect(failed.status).not.toBe(0);
      expect(outputs(path.join(dir, 'output'))).toEqual({});

      // A state without the repository's URL fails too, rather than skipping the build.
      writeFileSync(path.join(dir, 'output'), '');
      const missing = runStep(step(release, 'Ensure the ECR repository exists'), dir, {
        STACK: 'bluegreen-dev',
        GITHUB_OUTPUT: path.join(dir, 'output'),
        PATH: fakeTerraform(dir, [], JSON.stringify({ values: { root_module: { resources: [] } } })),
      });
      expect(missing.status).toBe(1);
      expect(missing.stdout).toContain('::error::aws_ecr_repository.app has no repository_url');
      expect(outputs(path.join(dir, 'output'))).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Stack outputs fails when terraform output fails, instead of writing an empty outputs file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-outputs-'));
    try {
      const result = runStep(step(release, 'Stack outputs'), dir, { STACK: 'bluegreen-prod', GITHUB_WORKSPACE: dir, PATH: fakeTerraform(dir, ['output']) });
      expect(result.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Stack outputs writes a file the release reads for the stack', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-outputs-'));
    try {
      const fakeTerraform = path.join(dir, 'bin', 'terraform');
      mkdirSync(path.dirname(fakeTerraform));
      const terraformOutput = {
        codedeploy_application_name: { sensitive: false, type: 'string', value: 'bluegreen-prod' },
        ecs_container_port: { sensitive: false, type: 'number', value: 8080 },
      };
      writeFileSync(fakeTerraform, `#!/bin/sh\ncat <<'JSON'\n${JSON.stringify(terraformOutput)}\nJSON\n`);
      chmodSync(fakeTerraform, 0o755);
      const result = runStep(step(release, 'Stack outputs'), dir, {
        STACK: 'bluegreen-prod',
        GITHUB_WORKSPACE: dir,
        PATH: `${path.dirname(fakeTerraform)}:${process.env.PATH}`,
      });
      expect(result.status).toBe(0);
      const loaded = selectStackOutputs(JSON.parse(readFileSync(path.join(dir, 'outputs.json'), 'utf8')), 'outputs.json', 'bluegreen-prod');
      expect(loaded).toEqual({ outputs: { codedeploy_application_name: 'bluegreen-prod', ecs_container_port: 8080 }, where: 'stack "bluegreen-prod" of outputs.json' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
