/**
 * `npm run release`: starts a CodeDeploy ECS blue/green deployment and follows it (docs/release.md).
 * Thin entry point; the logic lives in release/.
 */
import { main } from '../release/main';

if (require.main === module) {
  let settled = false;
  // If the event loop ever drained before the release ended, exiting 0 would report a success.
  process.on('beforeExit', () => {
    if (!settled) {
      process.stderr.write('release: internal error: the release ended without a result\n');
      process.exit(5);
    }
  });
  main(process.argv.slice(2), process.env).then(
    (code) => {
      settled = true;
      process.exitCode = code;
      // A second Ctrl-C may leave an SDK request in flight; do not wait for it.
      if (code === 130) process.exit(code);
    },
    (err: unknown) => {
      settled = true;
      process.stderr.write(`release: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(5);
    },
  );
}
