/**
 * MSDS-MANAGEDPASSWORD_BLOB ([MS-ADTS] 2.2.19), the value of a group managed service account's
 * constructed attribute msDS-ManagedPassword. All integers little-endian:
 *
 *   0  Version (2)                     MUST be 1
 *   2  Reserved (2)                    MUST be 0
 *   4  Length (4)                      the whole blob
 *   8  CurrentPasswordOffset (2)
 *   10 PreviousPasswordOffset (2)      0 when there is no previous password
 *   12 QueryPasswordIntervalOffset (2)
 *   14 UnchangedPasswordIntervalOffset (2)
 *   16 CurrentPassword                 NUL-terminated WCHAR (UTF-16LE) string
 *      PreviousPassword (optional)     likewise
 *      AlignmentPadding                up to the next 8-byte boundary
 *      QueryPasswordInterval (8)       100 ns units: "after which the receiver SHOULD requery"
 *      UnchangedPasswordInterval (8)   100 ns units: "before which password queries will always
 *                                      return this password value"
 *
 * The passwords are random bytes whose wide NULs were made 0x0001 ([MS-ADTS] 3.1.1.4.5.39
 * PostProcessPasswordBuffer: Windows 127 characters and the NUL in 256 bytes; Samba 4.22 sends
 * 128 characters and the NUL), so they are not necessarily valid UTF-16 (lone surrogates
 * occur). They are kept as the raw UTF-16LE code units without the terminator: RC4 hashes
 * exactly those bytes (gmsa-keys.ts). The fields are found by their offsets, never by position:
 * Samba 4.22 puts the intervals right after the password, without the alignment padding.
 *
 * The parsed value holds a secret: never print it, and wipe it (wipeManagedPassword) when done.
 */
import { wipe } from '../bytes.js';
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';

/** 100-ns intervals per millisecond. */
const TICKS_PER_MS = 10_000n;
const HEADER = 16;

export interface ManagedPassword {
  readonly version: number;
  /** UTF-16LE code units of the current password, without the terminating NUL. */
  readonly current: Uint8Array;
  /** Likewise for the previous password, when the DC sent one. */
  readonly previous: Uint8Array | undefined;
  /** QueryPasswordInterval in 100 ns units: when the password changes next (ask again then). */
  readonly queryInterval: bigint;
  /** UnchangedPasswordInterval in 100 ns units: until when this value stays the answer. */
  readonly unchangedInterval: bigint;
}

function invalid(why: string, details: Record<string, number> = {}): KtError {
  return new KtError('GMSA_BLOB_INVALID', `msDS-ManagedPassword is malformed: ${why}`, {
    details,
    remedy: remedy`the DC sent a value this tool does not understand ([MS-ADTS] 2.2.19); run with ${option('debug')} and report it`,
  });
}

/** The NUL-terminated UTF-16LE string at `offset`, ending before `end`; a copy. */
function wideString(
  blob: Uint8Array,
  view: DataView,
  offset: number,
  end: number,
  what: string,
): Uint8Array {
  if (offset < HEADER || offset % 2 !== 0 || offset >= end)
    throw invalid(`the ${what} offset ${offset} is outside the blob`, { offset });
  for (let at = offset; at + 1 < end; at += 2) {
    if (view.getUint16(at, true) === 0) {
      if (at === offset) throw invalid(`the ${what} is empty`, { offset });
      return blob.slice(offset, at);
    }
  }
  throw invalid(`the ${what} has no terminating NUL`, { offset });
}

function interval(view: DataView, offset: number, length: number, what: string): bigint {
  if (offset < HEADER || offset + 8 > length)
    throw invalid(`the ${what} offset ${offset} is outside the blob`, { offset, length });
  return view.getBigUint64(offset, true);
}

/** Parses an msDS-ManagedPassword value (GMSA_BLOB_INVALID, without any secret, when malformed). */
export function parseManagedPassword(blob: Uint8Array): ManagedPassword {
  if (blob.length < HEADER)
    throw invalid(`${blob.length} bytes, shorter than its ${HEADER}-byte header`, {
      length: blob.length,
    });
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const version = view.getUint16(0, true);
  if (version !== 1) throw invalid(`version ${version}, expected 1`, { version });
  const length = view.getUint32(4, true);
  if (length > blob.length)
    throw invalid(`it declares ${length} bytes but ${blob.length} arrived`, {
      declared: length,
      length: blob.length,
    });
  const currentAt = view.getUint16(8, true);
  const previousAt = view.getUint16(10, true);
  const queryAt = view.getUint16(12, true);
  const unchangedAt = view.getUint16(14, true);
  const queryInterval = interval(view, queryAt, length, 'query interval');
  const unchangedInterval = interval(view, unchangedAt, length, 'unchanged interval');
  // Each password ends at the next field: the previous password, else the intervals.
  const currentEnd = previousAt !== 0 ? previousAt : queryAt;
  const current = wideString(blob, view, currentAt, currentEnd, 'current password');
  let previous: Uint8Array | undefined;
  try {
    previous =
      previousAt !== 0
        ? wideString(blob, view, previousAt, queryAt, 'previous password')
        : undefined;
  } catch (err) {
    wipe(current);
    throw err;
  }
  return { version, current, previous, queryInterval, unchangedInterval };
}

/** Zeroes the password bytes of a parsed value. */
export function wipeManagedPassword(value: ManagedPassword): void {
  wipe(value.current);
  if (value.previous) wipe(value.previous);
}

/**
 * The schedule the blob announces, as dates from `now` (the time it was read):
 * - `changesAt`: QueryPasswordInterval, when the DC changes the password;
 * - `unchangedUntil`: UnchangedPasswordInterval, until when a query returns this value.
 * Within the DC's clock skew (5 minutes) before a change the DC already returns the coming
 * password as the current one and the one in use as the previous one; it then says so by an
 * unchanged interval longer than the query interval (Samba 4.22 gmsa_recalculate_managed_pwd,
 * after [MS-ADTS] 3.1.1.4.5.39): `upcoming` is true.
 */
export interface ManagedPasswordSchedule {
  readonly changesAt: Date;
  readonly unchangedUntil: Date;
  readonly upcoming: boolean;
}

export function passwordSchedule(
  value: Pick<ManagedPassword, 'queryInterval' | 'unchangedInterval'>,
  now: Date,
): ManagedPasswordSchedule {
  const at = (ticks: bigint): Date => new Date(now.getTime() + Number(ticks / TICKS_PER_MS));
  return {
    changesAt: at(value.queryInterval),
    unchangedUntil: at(value.unchangedInterval),
    upcoming: value.unchangedInterval > value.queryInterval,
  };
}
