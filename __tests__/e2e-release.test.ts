/**
 * End to end (1/3): a release that succeeds, fails on its hook, is stopped by an alarm, or is
 * interrupted with Ctrl-C, with the real release CLI, the CodeDeploy stand-in, the real hook bundle and
 * a real green app (test-support/codedeploy/e2e-release-harness.ts). The other scenarios are in
 * e2e-release-active.test.ts and e2e-release-api.test.ts, so the three run in parallel workers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALARM, APP, expectExit, HOOK_FN, LIFECYCLE, progress, useE2eRelease } from '../test-support/codedeploy/e2e-release-harness';
import { runRelease } from '../test-support/codedeploy/release-process';

jest.setTimeout(60_000);

// The tests run concurrently (each its own group), but the one that makes the shared green app
// unhealthy: it runs on its own.

const e2e = useE2eRelease({
  // 15 minutes of canary (1.5 s): the CLI's progress must show the 10% step even when its polls are
  // late on a loaded machine.
  success: { deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes', terminationWaitTimeInMinutes: 5 },
  unhealthy: {},
  alarm: { deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes', alarms: [ALARM] },
  sigint: { deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes' },
});

e2e.concurrent('a release succeeds: every lifecycle event in the progress, traffic reaches 100% green, the JSON document matches the deployment', ['success'], async (t) => {
  // As in GitHub Actions: the step summary and outputs files are written too.
  const summary = join(e2e.dir, 'step-summary.md');
  const outputs = join(e2e.dir, 'github-output.txt');
  const r = await t.run(e2e.releaseArgs('success', '--json'), { ...e2e.env(), GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: outputs });
  expectExit(r, 0);
  const lines = progress(r);
  for (const event of LIFECYCLE) {
    expect(lines).toContain(`lifecycle ${event} Succeeded`);
  }
  expect(lines).toContain('traffic blue 90% green 10%');
  expect(lines).toContain('traffic blue 0% green 100%');
  expect(lines).toContain('termination-wait started 5 min');
  expect(lines[lines.length - 1]).toMatch(/^result Succeeded d-[A-Z0-9]{9} exit 0$/);

  const [deployment] = e2e.userDeployments('success');
  expect(deployment).toMatchObject({ status: 'Succeeded', greenWeight: 100, deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes' });
  expect(deployment!.trafficHistory.map((h) => h.greenWeight)).toEqual([10, 100]);
  const doc = JSON.parse(r.stdout);
  expect(doc).toMatchObject({ deploymentId: deployment!.deploymentId, status: 'Succeeded', exitCode: 0, applicationName: APP, deploymentGroupName: 'success' });
  expect(doc.lifecycleEvents.map((e: { name: string; status: string }) => [e.name, e.status])).toEqual(LIFECYCLE.map((e) => [e, 'Succeeded']));
  expect(doc.consoleUrl).toContain(deployment!.deploymentId);
  expect(doc.error).toBeUndefined();
  expect(readFileSync(outputs, 'utf8')).toBe(`deployment_id=${deployment!.deploymentId}\nstatus=Succeeded\n`);
  expect(readFileSync(summary, 'utf8')).toContain(deployment!.deploymentId);
  // Until the deployment ran, its polls read the status only: no call for targets that cannot exist yet.
  const ofIt = e2e.standIn.calls.filter((c) => c.input.deploymentId === deployment!.deploymentId);
  expect(ofIt.filter((c) => c.errorType === 'DeploymentNotStartedException')).toEqual([]);
  const startedAt = deployment!.history.find((h) => h.status === 'InProgress')!.at;
  expect(ofIt.filter((c) => c.at < startedAt && c.operation !== 'GetDeployment')).toEqual([]);

  // The real hook ran at both events of the AppSpec, checked green and reported Succeeded.
  const invocations = e2e.standIn.model.hookInvocations.filter((h) => h.event.DeploymentId === deployment!.deploymentId);
  expect(invocations.map((h) => [h.lifecycleEvent, h.functionName, h.reported])).toEqual([
    ['AfterAllowTestTraffic', HOOK_FN, 'Succeeded'],
    ['BeforeAllowTraffic', HOOK_FN, 'Succeeded'],
  ]);
  expect(e2e.green.requests.length).toBeGreaterThanOrEqual(4);
});

test('green unhealthy: the hook reports Failed, the CLI prints the failed event and follows the rollback, exit 1', async () => {
  e2e.green.setHealth('unhealthy');
  const r = await runRelease(e2e.releaseArgs('unhealthy', '--json'), e2e.env());
  expectExit(r, 1);
  const [deployment] = e2e.userDeployments('unhealthy');
  const [rollback] = e2e.rollbacks('unhealthy');
  expect(deployment).toMatchObject({ status: 'Failed', errorCode: 'HOOK_EXECUTION_FAILURE', greenWeight: 0 });
  const puts = e2e.standIn.calls.filter((c) => c.operation === 'PutLifecycleEventHookExecutionStatus' && c.input.deploymentId === deployment!.deploymentId);
  expect(puts.map((c) => c.input.status)).toEqual(['Failed']);

  const lines = progress(r);
  expect(lines).toContain('lifecycle AfterAllowTestTraffic Failed');
  expect(lines.some((l) => l.startsWith('failed AfterAllowTestTraffic ScriptFailed:'))).toBe(true);
  expect(lines).toContain(`hook ${HOOK_FN} logs /aws/lambda/${HOOK_FN}`);
  expect(lines).toContain(`rollback ${rollback!.deploymentId} started`);
  expect(lines).toContain('rollback status Succeeded');
  expect(lines[lines.length - 1]).toBe(`result Failed ${deployment!.deploymentId} exit 1`);
  // The CLI only exits once the rollback it follows has ended.
  expect(rollback!.terminalAt!).toBeLessThanOrEqual(r.exitedAt);
  const doc = JSON.parse(r.stdout);
  expect(doc).toMatchObject({ status: 'Failed', exitCode: 1, rollbackDeploymentId: rollback!.deploymentId, rollbackStatus: 'Succeeded', error: { code: 'HOOK_EXECUTION_FAILURE' } });
  // The hook's own log says why.
  expect(e2e.hook.logs.some((l) => l.includes('"event":"hook.verdict"') && l.includes('"status":"Failed"') && l.includes('503'))).toBe(true);
});

e2e.concurrent('an alarm during a canary shift stops the deployment, the CLI follows the rollback, exit 1', ['alarm'], async (t) => {
  // Only the alarm group watches this alarm.
  e2e.standIn.faults.alarmWhenGreenReaches(ALARM, 10);
  const r = await t.run(e2e.releaseArgs('alarm'), e2e.env());
  expectExit(r, 1);
  const [deployment] = e2e.userDeployments('alarm');
  const [rollback] = e2e.rollbacks('alarm');
  expect(deployment).toMatchObject({ status: 'Stopped', errorCode: 'ALARM_ACTIVE' });
  expect(rollback).toMatchObject({ status: 'Succeeded', greenWeight: 0, blueWeight: 100 });
  const lines = progress(r);
  expect(lines.some((l) => l.startsWith('error ALARM_ACTIVE:') && l.includes(ALARM))).toBe(true);
  expect(lines).toContain(`rollback ${rollback!.deploymentId} started`);
  expect(lines).toContain('rollback traffic blue 100% green 0%');
  expect(lines[lines.length - 1]).toBe(`result Stopped ${deployment!.deploymentId} exit 1`);
});

e2e.concurrent('SIGINT mid-shift: StopDeployment with rollback is sent, the rollback is followed, exit 130', ['sigint'], async (t) => {
  const release = t.start(e2e.releaseArgs('sigint'), e2e.env());
  // Any weight strictly between 0 and 100: mid-shift, whichever linear step the CLI saw first.
  await release.waitForLine(/traffic blue \d+% green [1-9]\d?%$/);
  release.signal('SIGINT');
  const r = await release.exited;
  expectExit(r, 130);
  const [deployment] = e2e.userDeployments('sigint');
  const stops = e2e.standIn.calls.filter((c) => c.operation === 'StopDeployment' && c.input.deploymentId === deployment!.deploymentId);
  expect(stops.map((c) => c.input)).toEqual([{ deploymentId: deployment!.deploymentId, autoRollbackEnabled: true }]);
  expect(deployment).toMatchObject({ status: 'Stopped', errorCode: 'MANUAL_STOP' });
  expect(deployment!.greenWeight).toBeGreaterThan(0);
  expect(deployment!.greenWeight).toBeLessThan(100);
  const [rollback] = e2e.rollbacks('sigint');
  expect(rollback).toMatchObject({ status: 'Succeeded', greenWeight: 0 });
  const lines = progress(r);
  expect(lines).toContain(`interrupted stopping ${deployment!.deploymentId} with rollback`);
  expect(lines).toContain('rollback status Succeeded');
  expect(rollback!.terminalAt!).toBeLessThanOrEqual(r.exitedAt);
});
