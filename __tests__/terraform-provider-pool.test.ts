/**
 * The pool of shared provider sets the offline Terraform harness lends to commands
 * (tools/offline-terraform/provider-pool.ts), with sets that are not processes: which set a command
 * gets, that no two commands hold one set at once, and the drift each command finds in its set's file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProviderPool, type StartSet } from '../tools/offline-terraform/provider-pool';

interface FakeSet {
  readonly options: Parameters<StartSet>[0];
  dead: boolean;
  stops: number;
}

describe('the provider pool', () => {
  let dir: string;
  let started: FakeSet[];
  let pool: ProviderPool;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'provider-pool-'));
    started = [];
    pool = new ProviderPool(dir, async (options) => {
      const set: FakeSet = { options, dead: false, stops: 0 };
      started.push(set);
      return { reattach: `set-${started.length}`, log: () => '', exited: () => set.dead, stop: async () => void (set.stops += 1) };
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('commands one after another reuse one set; overlapping commands get their own', async () => {
    const first = await pool.acquire();
    first.release();
    const second = await pool.acquire();
    expect(second.reattach).toBe(first.reattach);
    const overlapping = await pool.acquire();
    expect(overlapping.reattach).not.toBe(second.reattach);
    second.release();
    overlapping.release();
    expect(pool.setsStarted).toBe(2);
  });

  test('a set is started for each account and name mark, and only reused for the same ones', async () => {
    const plain = await pool.acquire();
    plain.release();
    const marked = await pool.acquire({ accountId: '000000000000', nameMark: 'offline' });
    marked.release();
    expect(marked.reattach).not.toBe(plain.reattach);
    expect(started[1]!.options).toMatchObject({ accountId: '000000000000', nameMark: 'offline' });
    expect((await pool.acquire({ accountId: '000000000000', nameMark: 'offline' })).reattach).toBe(marked.reattach);
    expect((await pool.acquire({ accountId: '000000000000' })).reattach).toBe('set-3');
  });

  test("each command finds its own drift in the set's drift file, and none after a command that had some", async () => {
    const drift = [{ type: 'aws_ecs_service', match: { name: 'app' }, set: { desired_count: 3 } }];
    const withDrift = await pool.acquire({ drift });
    const file = started[0]!.options.driftFile;
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(drift);
    withDrift.release();
    const without = await pool.acquire();
    expect(without.reattach).toBe(withDrift.reattach);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([]);
  });

  test('a set whose processes exited is not lent again but stopped, and a new one started', async () => {
    const lease = await pool.acquire();
    lease.release();
    started[0]!.dead = true;
    expect((await pool.acquire()).reattach).toBe('set-2');
    expect(started[0]!.stops).toBe(1);
  });

  test('a release twice does not free a set another command holds', async () => {
    const lease = await pool.acquire();
    lease.release();
    const next = await pool.acquire();
    lease.release();
    expect((await pool.acquire()).reattach).not.toBe(next.reattach);
  });

  test('stop stops every set, a set still starting once started, and refuses further commands', async () => {
    const held = await pool.acquire();
    let finish: () => void = () => undefined;
    const slow = new ProviderPool(dir, () => new Promise((resolve) => (finish = () => resolve({ reattach: 'late', log: () => '', exited: () => false, stop: async () => void (late += 1) }))));
    let late = 0;
    const starting = slow.acquire();
    slow.stop();
    finish();
    await expect(starting).rejects.toThrow(/disposed while its providers started/);
    expect(late).toBe(1);
    pool.stop();
    expect(started[0]!.stops).toBe(1);
    held.release();
    await expect(pool.acquire()).rejects.toThrow(/disposed/);
  });
  describe('with at most two sets', () => {
    let capped: ProviderPool;
    beforeEach(() => {
      capped = new ProviderPool(dir, async (options) => {
        const set: FakeSet = { options, dead: false, stops: 0 };
        started.push(set);
        return { reattach: `capped-${started.length}`, log: () => '', exited: () => set.dead, stop: async () => void (set.stops += 1) };
      }, 2);
    });
    afterEach(() => capped.stop());

    test('a third overlapping command waits for a set to come free, and gets it once given back', async () => {
      const [a, b] = await Promise.all([capped.acquire(), capped.acquire()]);
      expect(a.reattach).not.toBe(b.reattach);
      let third: string | undefined;
      const waiting = capped.acquire().then((l) => (third = l.reattach));
      await new Promise((r) => setImmediate(r));
      expect(third).toBeUndefined();
      b.release();
      await waiting;
      expect(third).toBe(b.reattach);
      expect(capped.setsStarted).toBe(2);
    });

    test('an idle set of another account makes room for a set of the asked one (stopped, not lent)', async () => {
      const plain = await capped.acquire();
      const other = await capped.acquire({ accountId: '000000000000' });
      other.release();
      const marked = await capped.acquire({ nameMark: 'offline' });
      expect(marked.reattach).toBe('capped-3');
      expect(started[1]!.stops).toBe(1);
      plain.release();
    });

    test('a command that finds every set busy past its wait fails, saying so', async () => {
      await Promise.all([capped.acquire(), capped.acquire()]);
      await expect(capped.acquire({ waitInMs: 50 })).rejects.toThrow(/no provider set came free in time: all 2 \(at most 2\) were busy/);
    });

    test('a warmed set is started once, before any command, and lent to the first command instead of starting another', async () => {
      capped.warm();
      capped.warm();
      expect(started).toHaveLength(1);
      const [first, second] = await Promise.all([capped.acquire(), capped.acquire()]);
      expect(first.reattach).toBe('capped-1');
      expect(second.reattach).toBe('capped-2');
      first.release();
      second.release();
      capped.warm();
      expect(capped.setsStarted).toBe(2);
    });

    test('a waiting command is refused once the pool stops', async () => {
      await Promise.all([capped.acquire(), capped.acquire()]);
      const waiting = capped.acquire();
      capped.stop();
      await expect(waiting).rejects.toThrow(/disposed/);
    });
  });
});
