/** Polling for a condition in tests of the stand-ins, bounded. */

/** Resolves when `predicate` holds (checked every 5 ms); rejects naming `what` after `timeoutInMs`. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutInMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutInMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
