/** Polling for a condition in tests of the stand-ins, bounded. */

/**
 * Resolves when `predicate` holds (checked every 5 ms); rejects naming `what` after `timeoutInMs`.
 * The default is a bound, not a speed check: with the stand-in tests of a file running concurrently on a
 * loaded 2-core machine (load 15-20 in the full suite), a deployment of a few compressed minutes once
 * took over 10 s to succeed. 30 s stays under jest's 60 s test timeout, so the error names the wait.
 */
export async function waitUntil(predicate: () => boolean, what: string, timeoutInMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutInMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
