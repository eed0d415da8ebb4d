/**
 * The name rule of lifecycle hook functions that CodeDeploy's limited ECS service role can invoke.
 *
 * The AWS managed policy AWSCodeDeployRoleForECSLimited allows `lambda:InvokeFunction` only on
 * `arn:aws:lambda:*:*:function:CodeDeployHook_*` (AWS Managed Policy Reference,
 * AWSCodeDeployRoleForECSLimited, policy version v3). A deployment group whose service role has only that
 * policy fails the hook event of any other function. The release accepts any name (a role with its
 * own policy may invoke anything) but warns.
 */

/** The prefix AWSCodeDeployRoleForECSLimited requires of a hook function's name. */
export const HOOK_FUNCTION_PREFIX = 'CodeDeployHook_';

/**
 * The function name in what `--hook-function` accepts, as Lambda does: a name, a name with a
 * qualifier (`name:alias`), a partial ARN (`<account>:function:name`) or a full ARN (`arn:<partition>:lambda:…:function:name[:qualifier]`).
 */
export function lambdaFunctionName(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  const at = parts.indexOf('function');
  return at >= 0 && at + 1 < parts.length ? parts[at + 1]! : parts[0]!;
}

/** The warning for a hook function the limited service role could not invoke; undefined when the name fits. */
export function hookFunctionNameWarning(nameOrArn: string): string | undefined {
  const name = lambdaFunctionName(nameOrArn);
  if (name.startsWith(HOOK_FUNCTION_PREFIX)) return undefined;
  return (
    `hook function ${JSON.stringify(name)} does not start with ${HOOK_FUNCTION_PREFIX}: a deployment group whose service role has the ` +
    `AWSCodeDeployRoleForECSLimited managed policy may only invoke functions named ${HOOK_FUNCTION_PREFIX}* ` +
    `(lambda:InvokeFunction on arn:aws:lambda:*:*:function:${HOOK_FUNCTION_PREFIX}*), and its hook events would fail. ` +
    `Rename the function, or give the service role lambda:InvokeFunction on it.`
  );
}
