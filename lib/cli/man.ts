/**
 * Man pages made from the same definitions as --help (tools/build-man.mjs writes them into
 * dist/man at build time), so the two never drift: keytab(1) holds the help of every command
 * path, ktpass(1) the help ktpass prints for /?.
 */
import type { CliContext } from './context.js';
import { commandTree } from './help-tree.js';

/** Help text laid out for a man page (groff indents it by about 7 columns). */
export const MAN_WIDTH = 72;

/** Escapes text for a roff no-fill block: backslashes, and a leading dot or quote. */
export function roffText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/\\/g, '\\e').replace(/^([.'])/, '\\&$1'))
    .join('\n');
}

const header = (name: string, version: string, summary: string): string =>
  `.TH ${name.toUpperCase()} 1 "" "${name} ${version}" "User Commands"\n.SH NAME\n${name} \\- ${summary}\n`;

/** keytab(1): the top-level help, then one section per command path. */
export async function keytabManPage(ctx: CliContext, version: string): Promise<string> {
  const tree = await commandTree(ctx, MAN_WIDTH);
  const parts = [
    header(
      'keytab',
      version,
      'Kerberos keytab toolkit for Linux: make, inspect, merge and repair keytabs; map and rotate AD service accounts',
    ),
  ];
  for (const { path, help } of tree) {
    parts.push(path.length === 0 ? '.SH SYNOPSIS\n' : `.SS "keytab ${path.join(' ')}"\n`);
    parts.push(`.nf\n${roffText(help)}\n.fi\n`);
    if (path.length === 0) parts.push('.SH COMMANDS\n');
  }
  parts.push('.SH SEE ALSO\nktpass(1), klist(1), ktutil(1), kinit(1)\n');
  return parts.join('');
}

/** ktpass(1): the /? help. */
export function ktpassManPage(help: string, version: string): string {
  return `${header('ktpass', version, 'Windows ktpass command lines on Linux: keytabs and AD account mapping')}.SH DESCRIPTION\n.nf\n${roffText(help)}\n.fi\n.SH SEE ALSO\nkeytab(1)\n`;
}
