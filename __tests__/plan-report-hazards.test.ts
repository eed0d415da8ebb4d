import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyListeners, findHazards, productionPorts, validatePlan, type Finding, type HazardOptions } from '../plan-report';

const FIXTURES = join(__dirname, 'fixtures', 'plans');

/** Raw JSON of a fixture, for near-identical variants. */
function raw(name: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

function hazardsOf(document: unknown, options?: HazardOptions): Finding[] {
  return findHazards(validatePlan(document), options);
}

function at(findings: readonly Finding[], address: string): Finding[] {
  return findings.filter((f) => f.address === address);
}

const CRITICAL_ADDRESSES = [
  'aws_ecs_cluster.cluster',
  'aws_ecs_service.service',
  'aws_lb.alb',
  'aws_lb_listener.production',
  'aws_lb_target_group.green',
  'aws_codedeploy_app.app',
  'aws_codedeploy_deployment_group.group',
];

describe('replacement or deletion of blue/green resources', () => {
  test.each(CRITICAL_ADDRESSES)('replacing %s is blocking', (address) => {
    const found = at(hazardsOf(raw('critical-replaced.json')), address);
    expect(found).toEqual([expect.objectContaining({ id: 'bluegreen-resource-replaced', severity: 'blocking' })]);
  });

  test.each(CRITICAL_ADDRESSES)('destroying %s is blocking', (address) => {
    const found = at(hazardsOf(raw('critical-deleted.json')), address);
    expect(found).toEqual([expect.objectContaining({ id: 'bluegreen-resource-deleted', severity: 'blocking' })]);
  });

  test.each(CRITICAL_ADDRESSES.filter((a) => !a.startsWith('aws_codedeploy_deployment_group')))(
    'updating %s in place is not a hazard',
    (address) => {
      expect(at(hazardsOf(raw('critical-updated.json')), address)).toEqual([]);
    },
  );

  test('names the attribute that forces the replacement', () => {
    const [finding] = at(hazardsOf(raw('service-replaced.json')), 'aws_ecs_service.service');
    expect(finding.message).toContain('forced by a change to name');
  });

  test('names a replacement requested with -replace', () => {
    const [finding] = at(hazardsOf(raw('critical-replaced.json')), 'aws_codedeploy_app.app');
    expect(finding.message).toContain('requested with -replace');
  });

  test('a data source read is never a hazard', () => {
    expect(hazardsOf(raw('service-drift-ignored.json'))).toEqual([]);
  });
});

describe('deletion of data-holding resources', () => {
  test('destroying the ECR repository is blocking (images lost)', () => {
    expect(at(hazardsOf(raw('data-deleted.json')), 'aws_ecr_repository.app')).toEqual([
      expect.objectContaining({ id: 'data-resource-deleted', severity: 'blocking', message: expect.stringContaining('image') }),
    ]);
  });

  test('destroying the AppSpec bucket is a warning', () => {
    expect(at(hazardsOf(raw('data-deleted.json')), 'aws_s3_bucket.appspec')).toEqual([
      expect.objectContaining({ id: 'data-resource-deleted', severity: 'warning', message: expect.stringContaining('AppSpec') }),
    ]);
  });

  test('replacing a log group is a warning (history lost)', () => {
    expect(at(hazardsOf(raw('data-deleted.json')), 'aws_cloudwatch_log_group.service')).toEqual([
      expect.objectContaining({ id: 'data-resource-deleted', severity: 'warning', message: expect.stringContaining('log history') }),
    ]);
  });

  test('updating the repository, bucket and log group in place is not a hazard', () => {
    expect(hazardsOf(raw('data-updated.json'))).toEqual([]);
  });
});

describe('in-place updates of attributes CodeDeploy owns', () => {
  test('a service task_definition and load_balancer update is blocking and names both attributes', () => {
    const found = at(hazardsOf(raw('service-task-definition-updated.json')), 'aws_ecs_service.service');
    expect(found).toEqual([expect.objectContaining({ id: 'codedeploy-owned-attribute', severity: 'blocking' })]);
    expect(found[0].message).toContain('task_definition and load_balancer');
  });

  test('the same service after a release, with ignore_changes holding (no-op plus drift), is not a hazard', () => {
    expect(hazardsOf(raw('service-drift-ignored.json'))).toEqual([]);
  });

  test('a desired_count update is not a hazard', () => {
    expect(hazardsOf(raw('service-desired-count-updated.json'))).toEqual([]);
  });

  test('a network_configuration update is blocking', () => {
    const plan = raw('service-desired-count-updated.json');
    const change = plan.resource_changes[0].change;
    change.after.desired_count = change.before.desired_count;
    change.before.network_configuration = [{ subnets: ['subnet-a'], security_groups: ['sg-1'], assign_public_ip: false }];
    change.after.network_configuration = [{ subnets: ['subnet-a', 'subnet-b'], security_groups: ['sg-1'], assign_public_ip: false }];
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'codedeploy-owned-attribute', message: expect.stringContaining('network_configuration') })]);
  });

  test('a task_definition that becomes known only after apply counts as a change', () => {
    const plan = raw('service-desired-count-updated.json');
    const change = plan.resource_changes[0].change;
    change.after.desired_count = change.before.desired_count;
    delete change.after.task_definition;
    change.after_unknown.task_definition = true;
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'codedeploy-owned-attribute' })]);
  });

  test('a task_definition update of a service deployed by ECS itself is not a hazard', () => {
    const plan = raw('service-task-definition-updated.json');
    const change = plan.resource_changes[0].change;
    change.before.deployment_controller = [{ type: 'ECS' }];
    change.after.deployment_controller = [{ type: 'ECS' }];
    expect(hazardsOf(plan)).toEqual([]);
  });

  test('a listener default_action update is blocking', () => {
    expect(hazardsOf(raw('listener-default-action-updated.json'))).toEqual([
      expect.objectContaining({ id: 'codedeploy-owned-attribute', severity: 'blocking', address: 'aws_lb_listener.production' }),
    ]);
  });

  test('a listener tags update is not a hazard', () => {
    expect(hazardsOf(raw('listener-tags-updated.json'))).toEqual([]);
  });
});

describe('IAM wildcards', () => {
  test('a new statement granting s3:* on * is a warning that names it', () => {
    const found = hazardsOf(raw('iam-wildcard-added.json'));
    expect(found).toEqual([expect.objectContaining({ id: 'iam-wildcard', severity: 'warning', address: 'aws_iam_role_policy.task' })]);
    expect(found[0].message).toContain('s3:* on *');
  });

  test('the wildcard the policy already had (ecr:GetAuthorizationToken on *) is not reported again', () => {
    const [finding] = hazardsOf(raw('iam-wildcard-added.json'));
    expect(finding.message).not.toContain('GetAuthorizationToken');
  });

  test('a new statement scoped to one bucket is not a hazard', () => {
    expect(hazardsOf(raw('iam-scoped-added.json'))).toEqual([]);
  });

  test('a new statement granting every action is blocking', () => {
    const plan = raw('iam-wildcard-added.json');
    const change = plan.resource_changes[0].change;
    change.after.policy = change.after.policy.replace('"Action":"s3:*"', '"Action":"*"');
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'iam-wildcard', severity: 'blocking' })]);
  });

  test('a wildcard in a Deny statement is not a hazard', () => {
    const plan = raw('iam-wildcard-added.json');
    const change = plan.resource_changes[0].change;
    change.after.policy = change.after.policy.replace('"Sid":"WriteArtifacts","Effect":"Allow"', '"Sid":"WriteArtifacts","Effect":"Deny"');
    expect(hazardsOf(plan)).toEqual([]);
  });

  test('NotAction in an Allow statement is a warning', () => {
    const plan = raw('iam-scoped-added.json');
    const change = plan.resource_changes[0].change;
    change.after.policy = change.after.policy.replace('"Action":"s3:PutObject"', '"NotAction":"iam:*"');
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'iam-wildcard', severity: 'warning', message: expect.stringContaining('every action except iam:*') })]);
  });

  test('a trust policy for the ECS tasks service is not a hazard', () => {
    expect(hazardsOf(raw('iam-role-created.json')).filter((f) => f.id !== 'iam-policy-unknown')).toEqual([]);
  });

  test('a trust policy that lets any AWS principal assume the role is blocking', () => {
    const plan = raw('iam-role-created.json');
    const change = plan.resource_changes[0].change;
    change.after.assume_role_policy = change.after.assume_role_policy.replace('{"Service":"ecs-tasks.amazonaws.com"}', '{"AWS":"*"}');
    expect(at(hazardsOf(plan), 'aws_iam_role.task')).toEqual([
      expect.objectContaining({ id: 'iam-wildcard-principal', severity: 'blocking', message: expect.stringContaining('assume_role_policy') }),
    ]);
  });

  test('a wildcard principal restricted by a condition is a warning', () => {
    const plan = raw('iam-role-created.json');
    const change = plan.resource_changes[0].change;
    change.after.assume_role_policy = change.after.assume_role_policy
      .replace('{"Service":"ecs-tasks.amazonaws.com"}', '"*"')
      .replace('"Action":"sts:AssumeRole"', '"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}');
    expect(at(hazardsOf(plan), 'aws_iam_role.task')).toEqual([expect.objectContaining({ id: 'iam-wildcard-principal', severity: 'warning' })]);
  });

  test('a wildcard in an inline_policy block of a role is found', () => {
    const plan = raw('iam-role-created.json');
    const change = plan.resource_changes[0].change;
    change.after.inline_policy = [{ name: 'extra', policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}' }];
    change.after_unknown.inline_policy = [{}];
    expect(at(hazardsOf(plan), 'aws_iam_role.task')).toEqual([
      expect.objectContaining({ id: 'iam-wildcard', message: expect.stringContaining('inline_policy "extra"') }),
    ]);
  });

  test('a policy known only after apply is reported as info', () => {
    expect(at(hazardsOf(raw('iam-role-created.json')), 'aws_iam_role_policy.hook')).toEqual([
      expect.objectContaining({ id: 'iam-policy-unknown', severity: 'info' }),
    ]);
  });

  test('a sensitive policy is checked but its grants are not printed', () => {
    const plan = raw('iam-wildcard-added.json');
    plan.resource_changes[0].change.after_sensitive = { policy: true };
    const [finding] = hazardsOf(plan);
    expect(finding.id).toBe('iam-wildcard');
    expect(finding.message).not.toContain('s3:*');
  });
});

describe('security group rules open to the internet', () => {
  test('opening the test listener port 8080 to 0.0.0.0/0 is blocking', () => {
    expect(hazardsOf(raw('sg-test-port-opened.json'))).toEqual([
      expect.objectContaining({ id: 'world-open-port', severity: 'blocking', address: 'aws_vpc_security_group_ingress_rule.alb_from_internet', message: expect.stringContaining('port 8080') }),
    ]);
  });

  test('opening the production listener port 80 to 0.0.0.0/0 is not a hazard', () => {
    expect(hazardsOf(raw('sg-production-port-opened.json'))).toEqual([]);
  });

  test('--production-port overrides the ports derived from the plan', () => {
    expect(hazardsOf(raw('sg-test-port-opened.json'), { productionPorts: [8080] })).toEqual([]);
    expect(hazardsOf(raw('sg-production-port-opened.json'), { productionPorts: [443] })).toEqual([
      expect.objectContaining({ id: 'world-open-port', message: expect.stringContaining('port 80 ') }),
    ]);
  });

  test('opening the test port to ::/0 is blocking', () => {
    const plan = raw('sg-test-port-opened.json');
    const after = plan.resource_changes[2].change.after;
    after.cidr_ipv4 = null;
    after.cidr_ipv6 = '::/0';
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'world-open-port', message: expect.stringContaining('::/0') })]);
  });

  test('opening the test port to one office CIDR is not a hazard', () => {
    const plan = raw('sg-test-port-opened.json');
    plan.resource_changes[2].change.after.cidr_ipv4 = '203.0.113.0/24';
    expect(hazardsOf(plan)).toEqual([]);
  });

  test('an aws_security_group ingress block on the test port is blocking; on the production port it is not', () => {
    const withIngress = (port: number): any => {
      const plan = raw('sg-production-port-opened.json');
      plan.resource_changes[2] = {
        address: 'aws_security_group.alb',
        mode: 'managed',
        type: 'aws_security_group',
        name: 'alb',
        change: {
          actions: ['create'],
          before: null,
          after: { name: 'bg-dev-alb', ingress: [{ from_port: port, to_port: port, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: [] }], egress: [] },
          after_unknown: { id: true, ingress: [{ cidr_blocks: [false], ipv6_cidr_blocks: [] }] },
        },
      };
      return plan;
    };
    expect(hazardsOf(withIngress(8080))).toEqual([expect.objectContaining({ id: 'world-open-port', address: 'aws_security_group.alb' })]);
    expect(hazardsOf(withIngress(80))).toEqual([]);
  });

  test('an aws_security_group_rule opening all protocols to the world is blocking; the same egress rule is not', () => {
    const rule = (type: string): any => {
      const plan = raw('sg-production-port-opened.json');
      plan.resource_changes[2] = {
        address: 'aws_security_group_rule.all',
        mode: 'managed',
        type: 'aws_security_group_rule',
        name: 'all',
        change: { actions: ['create'], before: null, after: { type, from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['0.0.0.0/0'] }, after_unknown: {} },
      };
      return plan;
    };
    expect(hazardsOf(rule('ingress'))).toEqual([expect.objectContaining({ id: 'world-open-port', message: expect.stringContaining('0-65535') })]);
    expect(hazardsOf(rule('egress'))).toEqual([]);
  });

  test('a rule that was already open before the plan is not reported again', () => {
    const plan = raw('sg-test-port-opened.json');
    const change = plan.resource_changes[2].change;
    change.actions = ['update'];
    change.before = { ...change.after, description: 'old description' };
    expect(hazardsOf(plan)).toEqual([]);
  });
});

describe('production listener ports', () => {
  test('come from the deployment group prod_traffic_route references in the configuration', () => {
    const listeners = classifyListeners(validatePlan(raw('sg-test-port-opened.json')));
    expect(listeners.map(({ address, port, role, source }) => ({ address, port, role, source }))).toEqual([
      { address: 'aws_lb_listener.listener_a', port: 80, role: 'production', source: 'deployment group reference' },
      { address: 'aws_lb_listener.listener_b', port: 8080, role: 'test', source: 'deployment group reference' },
    ]);
  });

  test('come from the deployment group listener ARNs when there is no configuration', () => {
    const plan = raw('sg-test-port-opened.json');
    delete plan.configuration;
    const arnOf = (i: number): string => plan.resource_changes[i].change.after.arn;
    const route = (arn: string) => [{ listener_arns: [arn] }];
    const group = { load_balancer_info: [{ target_group_pair_info: [{ prod_traffic_route: route(arnOf(1)), test_traffic_route: route(arnOf(0)) }] }] };
    plan.resource_changes.push({ address: 'aws_codedeploy_deployment_group.group', mode: 'managed', type: 'aws_codedeploy_deployment_group', name: 'group', change: { actions: ['no-op'], before: group, after: group } });
    expect(productionPorts(validatePlan(plan)).ports).toEqual([8080]);
  });

  test('fall back to the listener name: a listener named or tagged "test" is the test listener', () => {
    const plan = raw('sg-test-port-opened.json');
    delete plan.configuration;
    plan.resource_changes[1].name = 'test_listener';
    plan.resource_changes[1].address = 'aws_lb_listener.test_listener';
    expect(productionPorts(validatePlan(plan))).toEqual({ ports: [80], source: 'from the production listeners in the plan' });
    plan.resource_changes[1].name = 'listener_b';
    plan.resource_changes[1].change.after.tags = { Name: 'bg-dev-test' };
    expect(productionPorts(validatePlan(plan)).ports).toEqual([80]);
  });

  test('default to 80 and 443 when the plan has no listener', () => {
    expect(productionPorts(validatePlan(raw('iam-scoped-added.json')))).toEqual({
      ports: [80, 443],
      source: 'default: no production listener in the plan',
    });
  });
});

describe('deployment group changes', () => {
  test('an in-place update of the deployment group is info (a deployment could be running)', () => {
    expect(at(hazardsOf(raw('critical-updated.json')), 'aws_codedeploy_deployment_group.group')).toEqual([
      expect.objectContaining({ id: 'deployment-group-changed', severity: 'info' }),
    ]);
  });

  test('creating the deployment group is not a hazard (nothing can be running yet)', () => {
    const plan = raw('critical-updated.json');
    const group = plan.resource_changes.find((r: any) => r.type === 'aws_codedeploy_deployment_group');
    group.change.actions = ['create'];
    group.change.before = null;
    expect(at(hazardsOf(plan), group.address)).toEqual([]);
  });
});

test('findings are ordered blocking first', () => {
  const plan = raw('data-deleted.json');
  const severities = hazardsOf(plan).map((f) => f.severity);
  expect(severities).toEqual(['blocking', 'warning', 'warning']);
});
