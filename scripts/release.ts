/**
 * `npm run release`: starts a CodeDeploy ECS blue/green deployment and follows it (docs/release.md).
 * Thin entry point on the shared shell; the logic lives in release/.
 */
import { EXIT_INTERNAL, processIo, runProgram } from './cli';
import { RELEASE_PROGRAM } from '../release/flags';
import { releaseMain, reportInvalidInput } from '../release/main';

if (require.main === module) {
  let settled = false;
  // If the event loop ever drained before the release ended, exiting 0 would report a success.
  process.on('beforeExit', () => {
    if (!settled) {
      process.stderr.write('release: internal error: the release ended without a result\n');
      process.exit(EXIT_INTERNAL);
    }
  });
  const io = processIo();
  void runProgram(RELEASE_PROGRAM, releaseMain, { ...io, exit: (code) => ((settled = true), io.exit(code)) }, { afterUsageError: reportInvalidInput });
}
