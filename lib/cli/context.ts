/**
 * What a command may touch besides its arguments. The real process supplies these in bin/;
 * tests supply their own, so commands run in-process with captured output.
 */
import type { ReadBound } from '../node/bounded-read.js';

export interface OutStream {
  write(chunk: string | Uint8Array): void;
  /** Resolves once earlier writes have been handed to the OS (back-pressure on pipes). */
  drain(): Promise<void>;
  readonly isTTY: boolean;
  /** The terminal's width, when it is one (help is laid out for it). */
  readonly columns?: number | undefined;
}

export interface InStream {
  /** Reads standard input to its end, or until `bound` stops it (then it throws). */
  readAll(bound?: ReadBound): Promise<Uint8Array>;
  readonly isTTY: boolean;
}

export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin: InStream;
  /** Seconds since 1970. */
  readonly now: () => number;
  /** Cryptographically strong random bytes. */
  readonly random: (length: number) => Uint8Array;
  /** Asks a question on the terminal without echoing the answer. */
  readonly promptSecret: (question: string) => Promise<string>;
  /** The program name in messages: `keytab` or `ktpass`. */
  readonly program: string;
  /** What `--version` prints: the version and which crypto implementations run here. */
  readonly versionText?: () => string;
  exitCode: number;
}

/** How each program words a warning: ktpass keeps the Windows tool's `WARNING:`. */
const WARNING_PREFIX: Readonly<Record<string, string>> = Object.freeze({ ktpass: 'WARNING: ' });

/** Writes a warning line the way every command does (`keytab: warning: ...`). */
export function warn(ctx: CliContext, message: string): void {
  const prefix = WARNING_PREFIX[ctx.program] ?? `${ctx.program}: warning: `;
  ctx.stderr.write(`${prefix}${message}\n`);
}

/** How a lone `-` (standard input or output) reaches the commands through yargs. */
export const STDIO = '\u0000-';

/** True for `-` as the user typed it. */
export function isStdio(name: string | undefined): boolean {
  return name === '-' || name === STDIO;
}
