/**
 * Fidelity of the CodeDeploy stand-in against the service model the AWS CLI itself ships
 * (botocore's `codedeploy/2014-10-06/service-2.json`): every answer's member names, types and enum
 * values, and every error's `__type`, must be what the model declares for that operation. The JS
 * SDK silently drops members it does not know, so only a check like this catches a misspelt field.
 */
import { appSpecSha256, renderAppSpecJson } from '../lib/appspec';
import { AwsJsonError } from '../test-support/aws-json-server';
import { CodeDeployModel } from '../test-support/codedeploy';
import { conformToShape as conform, describeWithServiceModels, ServiceModel } from '../test-support/service-model';

describeWithServiceModels(
  "the stand-in's answers conform to the AWS CLI's CodeDeploy service model",
  ['codedeploy'],
  (models) => {
    const APP = 'bluegreen-dev';
    let service: ServiceModel;
    let standIn: CodeDeployModel;
    const answers: { operation: string; body: unknown }[] = [];
    const errors: { operation: string; type: string }[] = [];

    /** Calls the stand-in's model as its HTTP layer does and keeps the JSON body it would send. */
    function call(operation: string, input: unknown): any {
      const method = (operation[0]!.toLowerCase() + operation.slice(1)) as keyof CodeDeployModel;
      try {
        const body = JSON.parse(JSON.stringify((standIn[method] as (i: unknown) => unknown).call(standIn, input) ?? {}));
        answers.push({ operation, body });
        return body;
      } catch (err) {
        if (!(err instanceof AwsJsonError)) throw err;
        errors.push({ operation, type: err.type });
        return undefined;
      }
    }
    const until = async (predicate: () => boolean): Promise<void> => {
      for (let i = 0; i < 400 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
      if (!predicate()) throw new Error('timed out');
    };

    beforeAll(async () => {
      service = models.get('codedeploy');
      standIn = new CodeDeployModel({
        msPerMinute: 10,
        eventDurationInMs: 5,
        groups: [
          { applicationName: APP, deploymentGroupName: 'canary', deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes', terminationWaitTimeInMinutes: 5, alarms: ['a'] },
          { applicationName: APP, deploymentGroupName: 'ready', deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 1000 } },
        ],
        // A hook that fails, so failures, diagnostics and rollbacks are part of what is checked.
        hookInvoker: async (_fn, event) => {
          call('PutLifecycleEventHookExecutionStatus', { deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: 'Failed' });
        },
      });
      const content = (hooks: Record<string, string>) => {
        const text = renderAppSpecJson({ taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1', containerName: 'web', containerPort: 80, hooks });
        return { revisionType: 'AppSpecContent', appSpecContent: { content: text, sha256: appSpecSha256(text) } };
      };
      const target = 'bluegreen-cluster:bluegreen-service';
      const observe = (id: string) => {
        call('GetDeployment', { deploymentId: id });
        call('BatchGetDeployments', { deploymentIds: [id] });
        call('ListDeploymentTargets', { deploymentId: id });
        call('GetDeploymentTarget', { deploymentId: id, targetId: target });
        call('BatchGetDeploymentTargets', { deploymentId: id, targetIds: [target] });
      };

      // A canary that succeeds, observed at every stage.
      const ok = call('CreateDeployment', { applicationName: APP, deploymentGroupName: 'canary', revision: content({}), description: 'ok' }).deploymentId;
      observe(ok);
      await until(() => standIn.snapshot(ok)!.greenWeight === 10);
      observe(ok);
      await until(() => standIn.snapshot(ok)!.status === 'Succeeded');
      observe(ok);
      call('GetApplicationRevision', { applicationName: APP, revision: content({}) });
      // A hook failure and its rollback.
      const failed = call('CreateDeployment', { applicationName: APP, deploymentGroupName: 'canary', revision: content({ BeforeAllowTraffic: 'hook' }) }).deploymentId;
      await until(() => standIn.activeDeployments().length === 0);
      observe(failed);
      observe(standIn.snapshot(failed)!.rollbackDeploymentId!);
      // Ready, then stopped with a rollback.
      const ready = call('CreateDeployment', { applicationName: APP, deploymentGroupName: 'ready', revision: content({}) }).deploymentId;
      await until(() => standIn.snapshot(ready)!.status === 'Ready');
      observe(ready);
      call('StopDeployment', { deploymentId: ready, autoRollbackEnabled: true });
      await until(() => standIn.activeDeployments().length === 0);
      observe(ready);
      for (const group of ['canary', 'ready']) {
        call('GetDeploymentGroup', { applicationName: APP, deploymentGroupName: group });
        call('ListDeployments', { applicationName: APP, deploymentGroupName: group, includeOnlyStatuses: ['Succeeded', 'Failed', 'Stopped'] });
      }
      for (const name of ['CodeDeployDefault.ECSAllAtOnce', 'CodeDeployDefault.ECSCanary10Percent15Minutes', 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes']) {
        call('GetDeploymentConfig', { deploymentConfigName: name });
      }
      // Errors.
      const blocker = call('CreateDeployment', { applicationName: APP, deploymentGroupName: 'ready', revision: content({}) }).deploymentId;
      call('ListDeploymentTargets', { deploymentId: blocker });
      call('CreateDeployment', { applicationName: APP, deploymentGroupName: 'ready', revision: content({}) });
      call('ContinueDeployment', { deploymentId: ok });
      call('ContinueDeployment', { deploymentId: blocker, deploymentWaitType: 'TERMINATION_WAIT' });
      call('StopDeployment', { deploymentId: ok });
      call('GetDeployment', { deploymentId: 'nope' });
      call('GetDeployment', { deploymentId: 'd-ZZZZZZZZZ' });
      call('GetDeploymentTarget', { deploymentId: ok, targetId: 'other:service' });
      call('GetDeploymentConfig', { deploymentConfigName: 'Custom.Nope' });
      call('GetDeploymentGroup', { applicationName: APP, deploymentGroupName: 'nope' });
      call('GetDeploymentGroup', { applicationName: 'nope', deploymentGroupName: 'nope' });
      call('ListDeployments', { applicationName: APP, deploymentGroupName: 'canary', includeOnlyStatuses: ['Done'] });
      call('CreateDeployment', { applicationName: APP, deploymentGroupName: 'canary', revision: { revisionType: 'AppSpecContent', appSpecContent: { content: '{}', sha256: '0' } } });
      call('CreateDeployment', { applicationName: APP, deploymentGroupName: 'canary', revision: { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k', bundleType: 'YAML' } } });
      call('PutLifecycleEventHookExecutionStatus', { deploymentId: ok, lifecycleEventHookExecutionId: 'nope', status: 'Succeeded' });
      call('PutLifecycleEventHookExecutionStatus', { deploymentId: ok, lifecycleEventHookExecutionId: 'nope', status: 'Pending' });
      const executionId = standIn.hookInvocations[0]!.event.LifecycleEventHookExecutionId;
      call('PutLifecycleEventHookExecutionStatus', { deploymentId: failed, lifecycleEventHookExecutionId: executionId, status: 'Succeeded' });
      await until(() => standIn.snapshot(blocker)!.status === 'Ready');
      call('ContinueDeployment', { deploymentId: blocker, deploymentWaitType: 'READY_WAIT' });
      await until(() => standIn.activeDeployments().length === 0);
    });

    afterAll(() => standIn?.close());

    test('every answer has only members the model declares, with their types and enum values', () => {
      expect(answers.length).toBeGreaterThan(40);
      const operations = new Set(answers.map((a) => a.operation));
      expect([...operations].sort()).toEqual(
        [
          'BatchGetDeploymentTargets',
          'BatchGetDeployments',
          'ContinueDeployment',
          'CreateDeployment',
          'GetApplicationRevision',
          'GetDeployment',
          'GetDeploymentConfig',
          'GetDeploymentGroup',
          'GetDeploymentTarget',
          'ListDeploymentTargets',
          'ListDeployments',
          'PutLifecycleEventHookExecutionStatus',
          'StopDeployment',
        ],
      );
      const problems = answers.flatMap(({ operation, body }) => {
        const output = service.operations[operation]!.output;
        if (!output) return Object.keys(body as object).length === 0 ? [] : [`${operation}: the model has no output, got ${JSON.stringify(body)}`];
        return conform(service, output.shape, body, operation);
      });
      expect([...new Set(problems)]).toEqual([]);
    });

    test('every error is one the model declares for its operation', () => {
      expect(errors.length).toBeGreaterThanOrEqual(18);
      const undeclared = errors.filter(({ operation, type }) => !(service.operations[operation]!.errors ?? []).some((e) => e.shape === type));
      expect(undeclared).toEqual([]);
      // And they are the specific ones a client branches on.
      expect(new Set(errors.map((e) => e.type))).toEqual(
        new Set([
          'DeploymentNotStartedException',
          'DeploymentLimitExceededException',
          'DeploymentIsNotInReadyStateException',
          'DeploymentAlreadyCompletedException',
          'InvalidDeploymentIdException',
          'DeploymentDoesNotExistException',
          'DeploymentTargetDoesNotExistException',
          'DeploymentConfigDoesNotExistException',
          'DeploymentGroupDoesNotExistException',
          'ApplicationDoesNotExistException',
          'InvalidDeploymentStatusException',
          'InvalidRevisionException',
          'RevisionDoesNotExistException',
          'InvalidLifecycleEventHookExecutionIdException',
          'InvalidLifecycleEventHookExecutionStatusException',
          'LifecycleEventAlreadyCompletedException',
        ]),
      );
    });

    test('the check itself catches a misspelt member, a wrong enum value and an ISO timestamp', () => {
      const problems = conform(service, 'GetDeploymentOutput', { deploymentInfo: { deploymentID: 'd-ABCDEFGHI', status: 'Done', createTime: '2026-11-26T03:00:00Z' } }, 'GetDeployment');
      expect(problems).toEqual([
        'GetDeployment.deploymentInfo.deploymentID: not a member of DeploymentInfo',
        'GetDeployment.deploymentInfo.status: "Done" is not one of Created, Queued, InProgress, Baking, Succeeded, Failed, Stopped, Ready',
        'GetDeployment.deploymentInfo.createTime: expected epoch seconds, got "2026-11-26T03:00:00Z"',
      ]);
    });

    test('ThrottlingException, which the stand-in injects, is a shape of the model', () => {
      expect(service.shapes.ThrottlingException?.exception).toBe(true);
    });
  },
);
