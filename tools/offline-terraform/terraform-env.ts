/** The environment the harness (harness.ts) runs terraform with. */
import * as path from 'node:path';
import { ACCOUNT_ID_ENV, DRIFT_FILE_ENV, NAME_MARK_ENV } from './behaviour';

/** Terraform variables of the caller that are kept: logging only. */
const KEPT_TF_VARIABLES = new Set(['TF_LOG', 'TF_LOG_CORE', 'TF_LOG_PROVIDER', 'TF_LOG_PATH']);

/**
 * The environment the stand-in's terraform commands run with: the caller's, minus every `TF_*`
 * variable but logging and the stand-in's own settings (drift, account, name mark: a command's are
 * given through the harness's `RunOptions`), plus the private CLI config, and GOGC=400 and GOMAXPROCS=1 unless set. A caller's `TF_CLI_ARGS_plan=-refresh=false`
 * would hide the drift the tests play, `TF_DATA_DIR` would put every work dir's `.terraform` in one
 * (possibly the user's own) place, `TF_REATTACH_PROVIDERS` would send terraform to another provider.
 */
export function offlineTerraformEnv(inherited: NodeJS.ProcessEnv, home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(inherited)) {
    if (key.startsWith('TF_') && !KEPT_TF_VARIABLES.has(key)) continue;
    if (key === DRIFT_FILE_ENV || key === ACCOUNT_ID_ENV || key === NAME_MARK_ENV) continue;
    env[key] = value;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: path.join(home, 'terraform.rc'),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_PLUGIN_CACHE_DIR: '',
    // Go's collector runs less often: a fifth less CPU per plan of our stacks for about 60 MB more
    // memory (measured on bluegreen-prod). The caller's own GOGC wins.
    GOGC: env.GOGC || '400',
    // Go code on one thread: a command spends most of its time waiting for the provider, and with more
    // threads Go's idle ones spin and run background GC work meanwhile, CPU that the test suite's other
    // processes need (a bluegreen-prod plan: 0.75 → 0.64 CPU-s on an idle 2-core machine, the same
    // wall time; validate plans stacks side by side, in processes of their own). The caller's own wins.
    GOMAXPROCS: env.GOMAXPROCS || '1',
  };
}
