/**
 * The keytab file: who may read it (a keytab is a password equivalent), weak and deprecated
 * enctypes (the enctype table's flags, RFC 6649 and RFC 8429), name type 0 entries (ktpass
 * without /ptype), and duplicates.
 */
import { bytesEqual } from '../bytes.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import { entryId } from '../keytab/ops.js';
import type { KeytabEntry } from '../keytab/types.js';
import { formatPrincipal } from '../principal.js';
import { command, option, remedy } from '../remedy.js';
import { fixOf } from '../report-line.js';
import type { Finding } from './types.js';

/** The keytab as the command found it. */
export interface KeytabView {
  /** How to name it: `FILE:/etc/krb5.keytab`. */
  readonly display: string;
  readonly path: string;
  /** Named by the user (--keytab / KRB5_KTNAME), rather than the default. */
  readonly explicit: boolean;
  readonly entries?: readonly KeytabEntry[] | undefined;
  /** Why it could not be read or parsed; `missing` when there is no such file. */
  readonly error?: { readonly message: string; readonly missing: boolean } | undefined;
  /** File mode bits, owner and group (from stat), with names when known. */
  readonly stat?:
    | {
        readonly mode: number;
        readonly uid: number;
        readonly gid: number;
        readonly owner?: string | undefined;
        readonly group?: string | undefined;
      }
    | undefined;
}

function f(finding: Omit<Finding, 'section'>): Finding {
  return { section: 'keytab', ...finding };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

export function checkKeytabFile(view: KeytabView): Finding[] {
  const out: Finding[] = [];
  const name = view.display;
  if (view.error) {
    if (view.error.missing && !view.explicit) {
      out.push(
        f({
          severity: 'info',
          what: name,
          why: 'no keytab there, so none was checked',
          ...fixOf(remedy`give one with ${option('keytab', 'FILE')}`),
        }),
      );
    } else {
      out.push(
        f({
          severity: 'error',
          what: name,
          why: view.error.message,
          fix: view.error.missing
            ? 'check the path'
            : 'keytab list shows what is readable; make the keytab again',
        }),
      );
    }
    return out;
  }
  if (view.stat) {
    const { mode, uid, gid } = view.stat;
    const who = `owner ${view.stat.owner ?? uid} (uid ${uid}), group ${view.stat.group ?? gid} (gid ${gid})`;
    const details = { mode: octal(mode), uid, gid };
    if (mode & 0o006) {
      out.push(
        f({
          severity: 'error',
          what: `${name} mode`,
          why: `${octal(mode)}: every user of this host can ${mode & 0o004 ? 'read' : 'write'} it, and a keytab is as good as the password`,
          fix: `chmod 600 ${view.path} (or 640 with a group only the service is in)`,
          details,
        }),
      );
    } else if (mode & 0o060) {
      out.push(
        f({
          severity: 'warning',
          what: `${name} mode`,
          why: `${octal(mode)}: members of group ${view.stat.group ?? gid} can ${mode & 0o040 ? 'read' : 'write'} it and act as its principals`,
          fix: `chmod 600 ${view.path}, unless the group holds only the service`,
          details,
        }),
      );
    } else {
      out.push(f({ severity: 'ok', what: `${name} mode`, why: `${octal(mode)}, ${who}`, details }));
    }
    if (mode & 0o066) out.push(f({ severity: 'info', what: `${name} owner`, why: who }));
  }
  const entries = view.entries ?? [];
  if (entries.length === 0) {
    out.push(
      f({
        severity: 'warning',
        what: name,
        why: 'the keytab has no entries',
        fix: 'add keys with keytab add',
      }),
    );
    return out;
  }
  out.push(
    f({
      severity: 'ok',
      what: name,
      why: `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, ${plural(new Set(entries.map((e) => formatPrincipal(e.principal))).size, 'principal')}`,
    }),
  );

  const byEnctype = new Map<number, KeytabEntry[]>();
  for (const e of entries) byEnctype.set(e.enctype, [...(byEnctype.get(e.enctype) ?? []), e]);
  for (const [enctype, list] of byEnctype) {
    const info = enctypeById(enctype);
    const count = `${list.length} entr${list.length === 1 ? 'y' : 'ies'}`;
    if (!info) {
      out.push(
        f({
          severity: 'warning',
          what: `${name} ${enctypeName(enctype)}`,
          why: `${count} of an enctype this toolkit does not know`,
          fix: `keytab remove ${name.replace(/^FILE:/, '')} -e ${enctype} if nothing uses it`,
        }),
      );
    } else if (info.weak) {
      out.push(
        f({
          severity: 'error',
          what: `${name} ${info.name}`,
          why: `${count} with a weak enctype (${info.policyNote ?? 'weak'}); MIT 1.18 and later cannot even use single DES`,
          fix: `keytab remove ${name.replace(/^FILE:/, '')} -e ${info.name}, and give the account AES keys`,
        }),
      );
    } else if (info.deprecated) {
      out.push(
        f({
          severity: 'warning',
          what: `${name} ${info.name}`,
          why: `${count} with a deprecated enctype (${info.policyNote ?? 'deprecated'})`,
          fix: `when every peer does AES: keytab remove ${name.replace(/^FILE:/, '')} -e ${info.name}`,
        }),
      );
    }
  }

  const nt0 = entries.filter((e) => e.principal.nameType === 0);
  if (nt0.length > 0) {
    out.push(
      f({
        severity: 'warning',
        what: `${name} name type 0`,
        why: `${nt0.length} entr${nt0.length === 1 ? 'y has' : 'ies have'} name type 0 (KRB5_NT_UNKNOWN), what ktpass writes without /ptype: MIT ignores it, Java and some acceptors compare it and find no key`,
        ...fixOf(
          remedy`make them again with name type 1 (${command`keytab add ${option('nameType', 'KRB5_NT_PRINCIPAL')}`}; ktpass /ptype KRB5_NT_PRINCIPAL)`,
        ),
        details: { principals: [...new Set(nt0.map((e) => formatPrincipal(e.principal)))] },
      }),
    );
  }

  const seen = new Map<string, KeytabEntry>();
  const sameKey: string[] = [];
  const conflicting: string[] = [];
  for (const e of entries) {
    const id = entryId(e);
    const first = seen.get(id);
    if (!first) {
      seen.set(id, e);
      continue;
    }
    const label = `${formatPrincipal(e.principal)} kvno ${e.kvno} ${enctypeName(e.enctype)}`;
    (bytesEqual(first.key, e.key) ? sameKey : conflicting).push(label);
  }
  if (conflicting.length > 0) {
    out.push(
      f({
        severity: 'error',
        what: `${name} duplicates`,
        why: `different keys under the same principal, kvno and enctype: ${[...new Set(conflicting)].join('; ')}; acceptors use the first and ignore the other`,
        fix: 'keep the right one: keytab remove the entries, then keytab add the correct key',
      }),
    );
  }
  if (sameKey.length > 0) {
    out.push(
      f({
        severity: 'warning',
        what: `${name} duplicates`,
        why: `the same entry more than once: ${[...new Set(sameKey)].join('; ')}`,
        fix: `keytab merge -o ${name.replace(/^FILE:/, '')} ${name.replace(/^FILE:/, '')} writes each entry once`,
      }),
    );
  }
  return out;
}
