/**
 * Plan review of ECS-native blue/green services (issue 13, plan review bullet): each hazard has a
 * triggering plan and a near-identical plan that does not trigger it (fixtures native-*.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findHazards, validatePlan, type Finding } from '../plan-report';

const FIXTURES = join(__dirname, 'fixtures', 'plans');
const raw = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const hazardsOf = (document: unknown): Finding[] => findHazards(validatePlan(document));
const summary = (document: unknown): string[] => hazardsOf(document).map((f) => `${f.severity} ${f.id} ${f.address}`);
const change = (plan: any, address: string): any => plan.resource_changes.find((r: any) => r.address === address).change;

describe('each native hazard fires on its plan and not on the near-identical one', () => {
  test.each([
    ['native-rule-weights-reset.json', 'native-rule-weights-ignored.json', 'blocking ecs-owned-attribute aws_lb_listener_rule.production'],
    ['native-listener-mixed-actions.json', 'native-listener-forward-only.json', 'blocking ecs-listener-mixed-actions aws_lb_listener.https'],
    ['native-prod-unguarded.json', 'native-prod-guarded.json', 'warning ecs-production-unguarded aws_ecs_service.web'],
    ['native-controller-switch.json', 'codedeploy-service-updated.json', 'blocking deployment-controller-switch aws_ecs_service.web'],
  ])('%s → %s; %s → nothing', (triggering, quiet, expected) => {
    expect(summary(raw(triggering))).toEqual([expected]);
    expect(summary(raw(quiet))).toEqual([]);
  });
});

describe('rule weights ECS owns', () => {
  test('the message names the route and the service, and says what the apply would do', () => {
    const [finding] = hazardsOf(raw('native-rule-weights-reset.json'));
    expect(finding!.message).toContain('the production listener rule of aws_ecs_service.web');
    expect(finding!.message).toContain('lost ignore_changes for action');
  });

  test('the test rule is owned too', () => {
    const plan = raw('native-rule-weights-ignored.json');
    const test = change(plan, 'aws_lb_listener_rule.test');
    test.actions = ['update'];
    test.after = JSON.parse(JSON.stringify(test.before));
    test.after.action[0].forward[0].target_group[0].weight = 100;
    test.after.action[0].forward[0].target_group[1].weight = 0;
    expect(summary(plan)).toEqual(['blocking ecs-owned-attribute aws_lb_listener_rule.test']);
    expect(hazardsOf(plan)[0]!.message).toContain('the test listener rule');
  });

  test('found by ARN when the plan has no configuration section', () => {
    const plan = raw('native-rule-weights-reset.json');
    delete plan.configuration;
    expect(summary(plan)).toEqual(['blocking ecs-owned-attribute aws_lb_listener_rule.production']);
  });

  test('an action known only after apply counts as a rewrite', () => {
    const plan = raw('native-rule-weights-ignored.json');
    const production = change(plan, 'aws_lb_listener_rule.production');
    production.actions = ['update'];
    production.after_unknown = { action: [{ forward: [{ target_group: [{ arn: true }] }] }] };
    expect(summary(plan)).toEqual(['blocking ecs-owned-attribute aws_lb_listener_rule.production']);
  });

  test('a rule of a CODE_DEPLOY or rolling ECS service is not ECS-owned', () => {
    for (const controller of [{ deployment_controller: [{ type: 'CODE_DEPLOY' }] }, { deployment_configuration: [{ strategy: 'ROLLING' }] }]) {
      const plan = raw('native-rule-weights-reset.json');
      Object.assign(change(plan, 'aws_ecs_service.web').before, controller);
      Object.assign(change(plan, 'aws_ecs_service.web').after, controller);
      expect(summary(plan)).toEqual([]);
    }
  });

  test('a service with no deployment_controller block is ECS-controlled (the API default), and LINEAR and CANARY count', () => {
    for (const strategy of ['LINEAR', 'CANARY']) {
      const plan = raw('native-rule-weights-reset.json');
      for (const side of ['before', 'after']) {
        const values = change(plan, 'aws_ecs_service.web')[side];
        delete values.deployment_controller;
        values.deployment_configuration[0].strategy = strategy;
      }
      expect(summary(plan)).toEqual(['blocking ecs-owned-attribute aws_lb_listener_rule.production']);
    }
  });

  test('a listener rule that is no service route may change its action', () => {
    const plan = raw('native-rule-weights-reset.json');
    for (const side of ['before', 'after']) change(plan, 'aws_ecs_service.web')[side].load_balancer[0].advanced_configuration = [];
    delete plan.configuration;
    expect(summary(plan)).toEqual([]);
  });
});

describe('listeners that mix forward and other actions', () => {
  test('names the offending rules and the action types', () => {
    const [finding] = hazardsOf(raw('native-listener-mixed-actions.json'));
    expect(finding!.message).toContain('mix forward with fixed-response actions (aws_lb_listener_rule.other_app)');
  });

  test('a production rule that authenticates and then forwards is mixed itself', () => {
    const plan = raw('native-listener-forward-only.json');
    plan.resource_changes = plan.resource_changes.filter((r: any) => r.address !== 'aws_lb_listener_rule.other_app');
    const production = change(plan, 'aws_lb_listener_rule.production');
    production.actions = ['update'];
    production.after = JSON.parse(JSON.stringify(production.before));
    production.after.action.unshift({ type: 'authenticate-oidc', order: 0, authenticate_oidc: [{ issuer: 'https://idp.example.com' }] });
    // (its weights did not change, but its action did: both hazards)
    expect(summary(plan)).toEqual(['blocking ecs-listener-mixed-actions aws_lb_listener.https', 'blocking ecs-owned-attribute aws_lb_listener_rule.production']);
  });

  test('a listener that was already mixed is not reported again on every plan', () => {
    const plan = raw('native-listener-mixed-actions.json');
    const other = change(plan, 'aws_lb_listener_rule.other_app');
    other.actions = ['no-op'];
    other.before = other.after;
    expect(summary(plan)).toEqual([]);
  });

  test("the listener's default action (a fixed 404 on a shared listener) is not counted", () => {
    expect(change(raw('native-listener-forward-only.json'), 'aws_lb_listener.https').after.default_action[0].type).toBe('fixed-response');
    expect(summary(raw('native-listener-forward-only.json'))).toEqual([]);
  });

  test('a mixed listener that hosts no native route is not reported', () => {
    const plan = raw('native-listener-mixed-actions.json');
    for (const side of ['before', 'after']) change(plan, 'aws_ecs_service.web')[side].deployment_controller = [{ type: 'CODE_DEPLOY' }];
    expect(summary(plan)).toEqual([]);
  });
});

describe('production services without bake time or rollback alarms', () => {
  test('names both reasons', () => {
    const [finding] = hazardsOf(raw('native-prod-unguarded.json'));
    expect(finding!.message).toContain('bake_time_in_minutes 0');
    expect(finding!.message).toContain('no CloudWatch alarm that rolls a deployment back');
  });

  test.each([
    [{ alarms: [] }, true],
    [{ alarms: [{ alarm_names: [], enable: true, rollback: true }] }, true],
    [{ alarms: [{ alarm_names: ['a'], enable: false, rollback: true }] }, true],
    [{ alarms: [{ alarm_names: ['a'], enable: true, rollback: true }] }, false],
  ])('alarms %j: reported %s', (alarms, reported) => {
    const plan = raw('native-prod-guarded.json');
    Object.assign(change(plan, 'aws_ecs_service.web').after, alarms);
    expect(summary(plan)).toEqual(reported ? ['warning ecs-production-unguarded aws_ecs_service.web'] : []);
  });

  test('bake time 0 given as a number is the same as "0"', () => {
    const plan = raw('native-prod-guarded.json');
    change(plan, 'aws_ecs_service.web').after.deployment_configuration[0].bake_time_in_minutes = 0;
    expect(summary(plan)).toEqual(['warning ecs-production-unguarded aws_ecs_service.web']);
  });

  test('a service that is not production (no prod in its name, cluster or Environment tag) is not reported', () => {
    const plan = raw('native-prod-unguarded.json');
    for (const side of ['before', 'after']) {
      Object.assign(change(plan, 'aws_ecs_service.web')[side], { name: 'bg-dev-web', cluster: 'arn:aws:ecs:us-east-1:111122223333:cluster/bg-dev', tags: { Environment: 'dev' } });
    }
    expect(summary(plan)).toEqual([]);
  });

  test('a production service created unguarded is reported; one already unguarded before is not', () => {
    const created = raw('native-prod-unguarded.json');
    const service = change(created, 'aws_ecs_service.web');
    Object.assign(service, { actions: ['create'], before: null });
    expect(summary(created)).toEqual(['warning ecs-production-unguarded aws_ecs_service.web']);
    const unchanged = raw('native-prod-unguarded.json');
    change(unchanged, 'aws_ecs_service.web').before = change(unchanged, 'aws_ecs_service.web').after;
    expect(summary(unchanged)).toEqual([]);
  });
});

describe('switching the deployment controller', () => {
  test('CODE_DEPLOY → ECS in place: instructions for the migration', () => {
    const [finding] = hazardsOf(raw('native-controller-switch.json'));
    expect(finding!.message).toMatch(/^Switches the deployment controller from CODE_DEPLOY to ECS in place\. Before applying: no CodeDeploy deployment may be in progress/);
    for (const step of ['advanced_configuration', 'ECS infrastructure role', 'lifecycle_hook', 'delete the CodeDeploy deployment group']) expect(finding!.message).toContain(step);
  });

  test('by replacement the message says downtime, and the replacement is blocking on its own', () => {
    const plan = raw('native-controller-switch.json');
    change(plan, 'aws_ecs_service.web').actions = ['delete', 'create'];
    const found = hazardsOf(plan);
    expect(found.map((f) => f.id).sort()).toEqual(['bluegreen-resource-replaced', 'deployment-controller-switch']);
    expect(found.find((f) => f.id === 'deployment-controller-switch')!.message).toContain('by replacing the service (its tasks stop: downtime)');
  });

  test('ECS → CODE_DEPLOY is a switch too', () => {
    const plan = raw('native-controller-switch.json');
    const service = change(plan, 'aws_ecs_service.web');
    [service.before, service.after] = [service.after, service.before];
    const found = hazardsOf(plan);
    expect(found.find((f) => f.id === 'deployment-controller-switch')!.message).toMatch(/^Switches the deployment controller from ECS to CODE_DEPLOY in place: /);
    // dropping advanced_configuration from what becomes a CODE_DEPLOY service is also a load_balancer change ECS refuses
    expect(found.map((f) => f.id).sort()).toEqual(['codedeploy-owned-attribute', 'deployment-controller-switch']);
  });
});
