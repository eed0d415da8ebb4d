/** `npm run demo -- --service <name>` is checked against the stack's services before any set-up starts. */
import { UsageError } from '../scripts/cli';
import { checkDemoService, main } from '../scripts/demo';
import { declaredStacks } from '../scripts/offline-stacks';
import { resolveEnvironment } from '../config/resolve';
import { ENVIRONMENTS } from '../stacks/environments';

describe('demo --service', () => {
  it('an unknown service is exit 2 with only the error: nothing of the set-up is printed', async () => {
    let stderr = '';
    let stdout = '';
    let exited: number | undefined;
    const code = await main({ argv: ['--service', 'nope'], env: {}, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), exit: (c) => void (exited = c) });
    expect(exited ?? code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^demo: --service "nope" is not a service of stack \S+; its services are \S/);
    expect(lines.slice(1).every((l) => /--help/.test(l))).toBe(true);
    expect(stdout).toBe('');
  });
  it.each(declaredStacks().map((s) => [s.stack, s] as const))('stack %s: each declared service passes, any other name is refused listing them', (_n, stack) => {
    const names = resolveEnvironment(ENVIRONMENTS.find((e) => e.name === stack.environment)!).services.map((s) => s.name);
    for (const n of names) expect(() => checkDemoService(stack, n)).not.toThrow();
    for (const bad of ['nope', '__proto__', '', names[0]!.toUpperCase()]) {
      let err: unknown;
      try {
        checkDemoService(stack, bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      for (const n of names) expect((err as Error).message).toContain(n);
    }
  });
});
