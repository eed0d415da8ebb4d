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

describe('IAM grants are judged by what they cover, not by a literal "*"', () => {
  /** iam-scoped-added.json with its new statement replaced by `statement`. */
  function withStatement(statement: object): any {
    const plan = raw('iam-scoped-added.json');
    const change = plan.resource_changes[0].change;
    const document = JSON.parse(change.after.policy);
    document.Statement[2] = { Sid: 'New', Effect: 'Allow', ...statement };
    change.after.policy = JSON.stringify(document);
    return plan;
  }
  const verdict = (statement: object): string => hazardsOf(withStatement(statement)).map((f) => `${f.severity} ${f.id}`).join(', ') || 'none';

  test.each([
    [{ Action: '*', Resource: '*' }, 'blocking iam-wildcard'],
    [{ Action: '*:*', Resource: 'arn:aws:s3:::bg-dev-artifacts-111122223333/*' }, 'blocking iam-wildcard'],
    [{ Action: '**', Resource: '*' }, 'blocking iam-wildcard'],
    [{ Action: 'iam:*', Resource: '*' }, 'blocking iam-wildcard'],
    [{ Action: 'IAM:Put*', Resource: '*' }, 'blocking iam-wildcard'],
    [{ Action: 'iam:*Policy*', Resource: '*' }, 'blocking iam-wildcard'],
    [{ Action: 'iam:Pass?ole', Resource: '*' }, 'blocking iam-wildcard'],
    [{ Action: 'iam:PassRole', Resource: '*' }, 'blocking iam-wildcard'],
    [{ Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/*' }, 'blocking iam-wildcard'],
    [{ Action: 'sts:AssumeRole', Resource: '*' }, 'blocking iam-wildcard'],
    [{ NotAction: 's3:*', Resource: '*' }, 'blocking iam-wildcard'],
    [{ NotAction: ['iam:*', 'sts:*'], Resource: '*' }, 'blocking iam-wildcard'],
    [{ Action: '*', NotResource: 'arn:aws:s3:::secrets/*' }, 'blocking iam-wildcard'],
    [{ Action: 'iam:*', NotResource: 'arn:aws:iam::111122223333:role/admin' }, 'blocking iam-wildcard'],
    [{ Action: 'iam:*', Resource: 'arn:aws:iam::111122223333:role/bg-dev-task' }, 'warning iam-wildcard'],
    [{ Action: 'iam:Get*', Resource: '*' }, 'warning iam-wildcard'],
    [{ Action: 's3:*', Resource: 'arn:aws:s3:::bg-dev-artifacts-111122223333/*' }, 'warning iam-wildcard'],
    [{ Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' }, 'warning iam-wildcard'],
    [{ Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*' }, 'warning iam-wildcard'],
    [{ Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:us-east-1:111122223333:log-group:*' }, 'warning iam-wildcard'],
    [{ Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:*:*:table/*' }, 'warning iam-wildcard'],
    [{ Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secrets/*' }, 'warning iam-wildcard'],
    [{ NotAction: 'iam:*', Resource: 'arn:aws:s3:::bg-dev-artifacts-111122223333/*' }, 'warning iam-wildcard'],
    [{ Action: 's3:GetObject', Resource: 'arn:aws:s3:::bg-dev-artifacts-111122223333/*' }, 'none'],
    [{ Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/bg-dev-task' }, 'none'],
    [{ Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/bg-dev-*' }, 'none'],
    [{ Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:111122223333:function:CodeDeployHook_*' }, 'none'],
  ])('%j: %s', (statement, expected) => {
    expect(verdict(statement)).toBe(expected);
  });

  test('the same grants in a Deny statement are not hazards', () => {
    expect(verdict({ Effect: 'Deny', Action: 'iam:*', Resource: '*' })).toBe('none');
    expect(verdict({ Effect: 'Deny', NotAction: 's3:*', Resource: '*' })).toBe('none');
  });

  test('the message names the grant as written', () => {
    expect(hazardsOf(withStatement({ Action: 'iam:*', Resource: '*' }))[0]!.message).toContain('newly grants iam:* on *');
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

describe('security group exposure is judged by the union of the ranges, not how they are written', () => {
  const HALVES = 'sg-test-port-opened-halves.json';
  const rules = (plan: any): any[] => plan.resource_changes.filter((r: any) => r.type === 'aws_vpc_security_group_ingress_rule');

  test('two rules opening the test port to 0.0.0.0/1 and 128.0.0.0/1 are blocking, naming both', () => {
    const found = hazardsOf(raw(HALVES));
    expect(found).toEqual([
      expect.objectContaining({ id: 'world-open-port', severity: 'blocking', address: 'aws_vpc_security_group_ingress_rule.test_from_lower_half' }),
    ]);
    expect(found[0]!.message).toContain('port 8080 (tcp) to all public IPv4 addresses');
    expect(found[0]!.message).toContain('0.0.0.0/1 in aws_vpc_security_group_ingress_rule.test_from_lower_half, 128.0.0.0/1 in aws_vpc_security_group_ingress_rule.test_from_upper_half');
  });

  test('the same two rules on private halves (10.0.0.0/9, 10.128.0.0/9) are not a hazard', () => {
    const plan = raw(HALVES);
    rules(plan)[0].change.after.cidr_ipv4 = '10.0.0.0/9';
    rules(plan)[1].change.after.cidr_ipv4 = '10.128.0.0/9';
    expect(hazardsOf(plan)).toEqual([]);
  });

  test('one rule of the pair alone is broad (a warning), not world-open', () => {
    const plan = raw(HALVES);
    plan.resource_changes = plan.resource_changes.filter((r: any) => r.name !== 'test_from_upper_half');
    expect(hazardsOf(plan)).toEqual([
      expect.objectContaining({ id: 'broad-open-port', severity: 'warning', message: expect.stringContaining('port 8080 (tcp) to 56.5% of public IPv4 (2,092,957,696 addresses) [0.0.0.0/1]') }),
    ]);
  });

  test('the IPv6 halves ::/1 and 8000::/1 are blocking', () => {
    const plan = raw(HALVES);
    rules(plan).forEach((rule: any, i: number) => Object.assign(rule.change.after, { cidr_ipv4: null, cidr_ipv6: ['::/1', '8000::/1'][i] }));
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'world-open-port', message: expect.stringContaining('all public IPv6 addresses [::/1 in') })]);
  });

  test('2000::/3 alone is all of public IPv6', () => {
    const plan = raw('sg-test-port-opened.json');
    Object.assign(plan.resource_changes[2].change.after, { cidr_ipv4: null, cidr_ipv6: '2000::/3' });
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'world-open-port', message: expect.stringContaining('all public IPv6 addresses [2000::/3]') })]);
  });

  const groupWith = (ingress: object[]): any => {
    const plan = raw('sg-production-port-opened.json');
    plan.resource_changes[2] = {
      address: 'aws_security_group.alb',
      mode: 'managed',
      type: 'aws_security_group',
      name: 'alb',
      change: { actions: ['create'], before: null, after: { name: 'bg-dev-alb', ingress, egress: [] }, after_unknown: { id: true } },
    };
    return plan;
  };

  test('one rule with several CIDRs that together cover IPv4 is blocking', () => {
    const plan = groupWith([{ from_port: 8080, to_port: 8080, protocol: 'tcp', cidr_blocks: ['128.0.0.0/1', '0.0.0.0/2', '64.0.0.0/2'], ipv6_cidr_blocks: [] }]);
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'world-open-port', address: 'aws_security_group.alb', message: expect.stringContaining('[128.0.0.0/1, 0.0.0.0/2, 64.0.0.0/2]') })]);
  });

  test('two ingress blocks of one group, each with one half, are blocking; so is an all-protocol block with a tcp block', () => {
    const half = (cidr: string, protocol = 'tcp') => ({ from_port: 8080, to_port: 8080, protocol, cidr_blocks: [cidr], ipv6_cidr_blocks: [] });
    expect(hazardsOf(groupWith([half('0.0.0.0/1'), half('128.0.0.0/1')]))).toEqual([expect.objectContaining({ id: 'world-open-port' })]);
    const all = { from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['128.0.0.0/1'], ipv6_cidr_blocks: [] };
    expect(hazardsOf(groupWith([half('0.0.0.0/1'), all]))).toEqual([
      expect.objectContaining({ id: 'world-open-port', message: expect.stringContaining('ports 8080 (tcp), 0-65535 (all) to all public IPv4 addresses') }),
      // every other port of the all-protocol block: only the upper half
      expect.objectContaining({ id: 'broad-open-port', message: expect.stringContaining('port 0-65535 (all) to 43.5% of public IPv4 (1,609,300,992 addresses) [128.0.0.0/1]') }),
    ]);
  });

  test('halves on different ports or protocols do not add up', () => {
    const rule = (cidr: string, port: number, protocol: string) => ({ from_port: port, to_port: port, protocol, cidr_blocks: [cidr], ipv6_cidr_blocks: [] });
    const ids = (plan: any) => hazardsOf(plan).map((f) => f.id);
    expect(ids(groupWith([rule('0.0.0.0/1', 8080, 'tcp'), rule('128.0.0.0/1', 8081, 'tcp')]))).toEqual(['broad-open-port', 'broad-open-port']);
    expect(ids(groupWith([rule('0.0.0.0/1', 8080, 'tcp'), rule('128.0.0.0/1', 8080, 'udp')]))).toEqual(['broad-open-port', 'broad-open-port']);
  });

  test('a port range is judged port by port: halves overlapping on 8080-8090 and 8085-9000 are world-open on 8085-8090', () => {
    const rule = (cidr: string, from: number, to: number) => ({ from_port: from, to_port: to, protocol: 'tcp', cidr_blocks: [cidr], ipv6_cidr_blocks: [] });
    const found = hazardsOf(groupWith([rule('0.0.0.0/1', 8080, 8090), rule('128.0.0.0/1', 8085, 9000)]));
    expect(found.filter((f) => f.id === 'world-open-port')).toEqual([expect.objectContaining({ message: expect.stringContaining('ports 8080-8090 (tcp), 8085-9000 (tcp)') })]);
  });

  test('the production port opened by two halves is not a hazard', () => {
    const plan = raw(HALVES);
    rules(plan).forEach((rule: any) => Object.assign(rule.change.after, { from_port: 80, to_port: 80 }));
    expect(hazardsOf(plan)).toEqual([]);
  });

  test('adding the second half to an existing first half is blocking, on the new rule', () => {
    const plan = raw(HALVES);
    const [lower] = rules(plan);
    lower.change.actions = ['no-op'];
    lower.change.before = lower.change.after;
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'world-open-port', address: 'aws_vpc_security_group_ingress_rule.test_from_upper_half' })]);
  });

  test('halves that were both open before the plan are not reported again; removing one is not a hazard', () => {
    const plan = raw(HALVES);
    for (const rule of rules(plan)) {
      rule.change.actions = ['no-op'];
      rule.change.before = rule.change.after;
    }
    expect(hazardsOf(plan)).toEqual([]);
    const [, upper] = rules(plan);
    upper.change.actions = ['delete'];
    upper.change.after = null;
    expect(hazardsOf(plan)).toEqual([]);
  });

  test('replacing 0.0.0.0/0 with its two halves (a rename) is not reported as new', () => {
    const plan = raw(HALVES);
    plan.resource_changes.push({
      address: 'aws_vpc_security_group_ingress_rule.old',
      mode: 'managed',
      type: 'aws_vpc_security_group_ingress_rule',
      name: 'old',
      change: { actions: ['delete'], before: { ...rules(plan)[0].change.after, cidr_ipv4: '0.0.0.0/0' }, after: null },
    });
    expect(hazardsOf(plan)).toEqual([]);
  });

  test.each([
    ['8.0.0.0/7', 'broad-open-port'],
    ['8.0.0.0/8', undefined],
    ['10.0.0.0/7', undefined],
    ['192.168.0.0/16', undefined],
    ['100.64.0.0/10', undefined],
  ])('a single test-port range %s: %s', (cidr, id) => {
    const plan = raw('sg-test-port-opened.json');
    plan.resource_changes[2].change.after.cidr_ipv4 = cidr;
    expect(hazardsOf(plan).map((f) => f.id)).toEqual(id === undefined ? [] : [id]);
  });

  test('sixteen /12s of public space together are broad even though each is narrower than /8', () => {
    const plan = groupWith([{ from_port: 8080, to_port: 8080, protocol: 'tcp', cidr_blocks: Array.from({ length: 17 }, (_, i) => `${20 + Math.floor(i / 16)}.${(i % 16) * 16}.0.0/12`), ipv6_cidr_blocks: [] }]);
    expect(hazardsOf(plan)).toEqual([expect.objectContaining({ id: 'broad-open-port' })]);
  });

  test('a CIDR that is not one is left to Terraform, not a crash', () => {
    const plan = raw('sg-test-port-opened.json');
    plan.resource_changes[2].change.after.cidr_ipv4 = 'not-a-cidr';
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
