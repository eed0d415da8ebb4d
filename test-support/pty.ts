/**
 * Runs a program in a pseudo-terminal of a given size, as a person at a terminal would, and reads back
 * the SCREEN (not the byte stream): every byte goes through a real terminal emulator (xterm.js's
 * headless build), so what a test asserts is what a person would see, scrollback included.
 *
 * The pseudo-terminal comes from `@cdktf/node-pty-prebuilt-multiarch` (a devDependency that `npm ci`
 * installs with its prebuilt binaries; its install script is denied and not needed). Where no
 * prebuilt binary fits this Node, {@link describeWithPty} skips with the reason (or fails under
 * `REQUIRE_TEST_TOOLS=1`, like every missing tool).
 */
import type { IPty } from '@cdktf/node-pty-prebuilt-multiarch';
import { Terminal } from '@xterm/headless';
import { describeWhen } from './require-tool';

type PtyModule = typeof import('@cdktf/node-pty-prebuilt-multiarch');

let loaded: { module?: PtyModule; reason?: string } | undefined;

/** The pty module, or why it cannot be used on this machine. */
export function loadPty(): { module?: PtyModule; reason?: string } {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('@cdktf/node-pty-prebuilt-multiarch') as PtyModule;
    const probe = module.spawn(process.execPath, ['-e', '0'], { cols: 40, rows: 5 });
    probe.kill();
    loaded = { module };
  } catch (err) {
    loaded = { reason: `no usable pseudo-terminal (@cdktf/node-pty-prebuilt-multiarch on Node ${process.version}, ${process.platform}-${process.arch}: ${(err as Error).message.split('\n')[0]})` };
  }
  return loaded;
}

/** `describe` that needs a pseudo-terminal: skips with the reason where none is available. */
export function describeWithPty(title: string, body: () => void): void {
  const { reason } = loadPty();
  describeWhen(title, reason === undefined ? undefined : { need: 'a pseudo-terminal', reason }, body);
}

/** One logical line of the screen: soft-wrapped rows joined. */
export interface ScreenLine {
  readonly text: string;
  /** Rows it takes on the screen (more than 1 when the terminal wrapped it). */
  readonly rows: number;
}

/** A program running in a pseudo-terminal. */
export interface PtyRun {
  readonly pty: IPty;
  /** Everything the program wrote, raw. */
  readonly output: () => string;
  /** Types into the terminal (`'\x03'` is Ctrl-C: the line discipline signals the foreground group). */
  type(text: string): void;
  /** Resolves when `pattern` appears in the raw output (escape sequences stripped of nothing). */
  waitForOutput(pattern: RegExp, timeoutInMs?: number): Promise<void>;
  /** Scrollback and screen after every byte so far was processed, as logical lines (trailing blanks dropped). */
  screen(): Promise<ScreenLine[]>;
  readonly exited: Promise<{ readonly exitCode: number; readonly signal?: number }>;
  /** Kills the program (SIGKILL) if it still runs. */
  kill(): void;
}

/** Options of {@link runInPty}. */
export interface PtyOptions {
  readonly cols: number;
  readonly rows: number;
  readonly cwd: string;
  /** The whole environment of the program (nothing is inherited). */
  readonly env: Readonly<Record<string, string>>;
}

/** Starts `file args` in a pseudo-terminal of `cols`×`rows`, its output mirrored into a terminal emulator. */
export function runInPty(file: string, args: readonly string[], options: PtyOptions): PtyRun {
  const { module, reason } = loadPty();
  if (!module) throw new Error(reason);
  const terminal = new Terminal({ cols: options.cols, rows: options.rows, scrollback: 5000, allowProposedApi: true });
  const pty = module.spawn(file, [...args], { name: 'xterm-256color', cols: options.cols, rows: options.rows, cwd: options.cwd, env: { ...options.env } });
  let raw = '';
  let pending = Promise.resolve();
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  pty.onData((data) => {
    raw += data;
    pending = pending.then(() => new Promise<void>((resolve) => terminal.write(data, resolve)));
    for (const w of [...waiters]) {
      if (w.pattern.test(raw)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  let done = false;
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => {
    pty.onExit((e) => {
      done = true;
      resolve(e);
    });
  });
  return {
    pty,
    output: () => raw,
    type: (text) => pty.write(text),
    waitForOutput: (pattern, timeoutInMs = 30_000) => {
      if (pattern.test(raw)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output matching ${pattern} within ${timeoutInMs} ms; output:\n${raw}`)), timeoutInMs);
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    screen: async () => {
      await pending;
      const buffer = terminal.buffer.active;
      const lines: ScreenLine[] = [];
      for (let i = 0; i < buffer.length; i++) {
        const row = buffer.getLine(i);
        if (!row) continue;
        const text = row.translateToString(true);
        const last = lines[lines.length - 1];
        if (row.isWrapped && last) lines[lines.length - 1] = { text: last.text + text, rows: last.rows + 1 };
        else lines.push({ text, rows: 1 });
      }
      while (lines.length > 0 && lines[lines.length - 1]!.text.trim() === '') lines.pop();
      return lines;
    },
    exited,
    kill: () => {
      if (!done) pty.kill('SIGKILL');
    },
  };
}
