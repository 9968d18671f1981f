/**
 * Who may read a gMSA's password: msDS-GroupMSAMembership ("PrincipalsAllowedToRetrieveManagedPassword")
 * is a self-relative security descriptor whose DACL the DC checks for the right to read
 * properties ([MS-ADTS] 3.1.1.4.4, Samba gmsa_allowed_to_view_managed_password). This module
 * reads it into SIDs; names are looked up through the directory by the caller.
 *
 * Layouts, all integers little-endian except the SID's identifier authority ([MS-DTYP]):
 *   2.4.6 SECURITY_DESCRIPTOR: Revision(1) Sbz1(1) Control(2) OffsetOwner(4) OffsetGroup(4)
 *         OffsetSacl(4) OffsetDacl(4); SE_DACL_PRESENT = 0x0004 in Control
 *   2.4.5 ACL: AclRevision(1) Sbz1(1) AclSize(2) AceCount(2) Sbz2(2), then the ACEs
 *   2.4.4.1 ACE_HEADER: AceType(1) AceFlags(1) AceSize(2)
 *   2.4.4.2 ACCESS_ALLOWED_ACE (0x00) and 2.4.4.4 ACCESS_DENIED_ACE (0x01): header Mask(4) Sid
 *   2.4.4.3 ACCESS_ALLOWED_OBJECT_ACE (0x05) and 2.4.4.5 ACCESS_DENIED_OBJECT_ACE (0x06): header
 *         Mask(4) Flags(4) [ObjectType(16) if Flags & 1] [InheritedObjectType(16) if Flags & 2] Sid
 *   2.4.2.2 SID: Revision(1) SubAuthorityCount(1) IdentifierAuthority(6, big-endian) SubAuthority(4 each)
 */
import { KtError } from '../errors.js';

/** ADS_RIGHT_DS_READ_PROP ([MS-ADTS] 5.1.3.2), and the generic rights that include it. */
const READ_PROPERTY = 0x10;
const GENERIC_READ = 0x80000000;
const GENERIC_ALL = 0x10000000;
const GRANTS_READ = READ_PROPERTY | GENERIC_READ | GENERIC_ALL;

/** ACE types whose trustee is at a fixed place; object ACEs have flags that move it. */
// prettier-ignore
const ACE_KINDS: Readonly<Record<number, { readonly allow: boolean; readonly object: boolean }>> = Object.freeze({
  0x00: { allow: true, object: false },
  0x01: { allow: false, object: false },
  0x05: { allow: true, object: true },
  0x06: { allow: false, object: true },
});

const SE_DACL_PRESENT = 0x0004;

export interface MembershipAce {
  readonly allow: boolean;
  readonly sid: string;
  readonly mask: number;
}

export interface GmsaMembership {
  /** SIDs granted reading the password (allow ACEs with read-property rights), in DACL order. */
  readonly allowed: readonly string[];
  /** SIDs explicitly denied it. */
  readonly denied: readonly string[];
  readonly aces: readonly MembershipAce[];
}

function invalid(why: string): KtError {
  return new KtError(
    'INPUT_INVALID',
    `msDS-GroupMSAMembership is not a valid security descriptor: ${why}`,
  );
}

/** A SID's string form, S-1-5-21-...; `at` must leave room for it. */
export function sidToString(bytes: Uint8Array, at = 0): { sid: string; size: number } {
  if (at + 8 > bytes.length) throw invalid(`a SID at byte ${at} runs past the end`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const revision = view.getUint8(at);
  const count = view.getUint8(at + 1);
  const size = 8 + 4 * count;
  if (revision !== 1 || count > 15 || at + size > bytes.length)
    throw invalid(`a SID at byte ${at} is malformed`);
  const authority = view.getUint16(at + 2) * 2 ** 32 + view.getUint32(at + 4);
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(view.getUint32(at + 8 + 4 * i, true));
  // [MS-DTYP] 2.4.2.1: the authority in decimal below 2^32, else in hex.
  const auth =
    authority < 2 ** 32
      ? String(authority)
      : `0x${authority.toString(16).toUpperCase().padStart(12, '0')}`;
  return { sid: ['S', revision, auth, ...subs].join('-'), size };
}

/** The binary form of a SID string (for an LDAP filter on objectSid). */
export function sidToBytes(sid: string): Uint8Array {
  const m = /^S-1-(\d+|0x[0-9A-Fa-f]{12})((?:-\d+){0,15})$/.exec(sid);
  if (!m) throw new KtError('INPUT_INVALID', `${sid} is not a SID (S-1-...)`);
  const authority = Number(m[1]);
  const subs = (m[2] ?? '').split('-').filter(Boolean).map(Number);
  const out = new Uint8Array(8 + 4 * subs.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, 1);
  view.setUint8(1, subs.length);
  view.setUint16(2, Math.floor(authority / 2 ** 32));
  view.setUint32(4, authority % 2 ** 32);
  subs.forEach((s, i) => view.setUint32(8 + 4 * i, s, true));
  return out;
}

/** Reads msDS-GroupMSAMembership into the SIDs allowed and denied reading the password. */
export function parseGmsaMembership(sd: Uint8Array): GmsaMembership {
  if (sd.length < 20) throw invalid(`${sd.length} bytes, shorter than its header`);
  const view = new DataView(sd.buffer, sd.byteOffset, sd.byteLength);
  if (view.getUint8(0) !== 1) throw invalid(`revision ${view.getUint8(0)}`);
  const control = view.getUint16(2, true);
  const daclAt = view.getUint32(16, true);
  if ((control & SE_DACL_PRESENT) === 0 || daclAt === 0)
    return { allowed: [], denied: [], aces: [] };
  if (daclAt + 8 > sd.length) throw invalid(`the DACL offset ${daclAt} is past the end`);
  const aclSize = view.getUint16(daclAt + 2, true);
  const count = view.getUint16(daclAt + 4, true);
  const aclEnd = daclAt + aclSize;
  if (aclEnd > sd.length)
    throw invalid(`the DACL (${aclSize} bytes at ${daclAt}) runs past the end`);
  const aces: MembershipAce[] = [];
  let at = daclAt + 8;
  for (let i = 0; i < count; i++) {
    if (at + 4 > aclEnd) throw invalid(`ACE ${i + 1} of ${count} runs past the DACL`);
    const type = view.getUint8(at);
    const size = view.getUint16(at + 2, true);
    if (size < 4 || at + size > aclEnd) throw invalid(`ACE ${i + 1} has a bad size (${size})`);
    const kind = ACE_KINDS[type];
    if (kind) {
      const mask = view.getUint32(at + 4, true);
      let sidAt = at + 8;
      if (kind.object) {
        const flags = view.getUint32(at + 8, true);
        sidAt = at + 12 + (flags & 1 ? 16 : 0) + (flags & 2 ? 16 : 0);
      }
      const { sid } = sidToString(sd.subarray(0, at + size), sidAt);
      aces.push({ allow: kind.allow, sid, mask });
    }
    at += size;
  }
  const granting = (allow: boolean): string[] => [
    ...new Set(
      aces.filter((a) => a.allow === allow && (a.mask & GRANTS_READ) !== 0).map((a) => a.sid),
    ),
  ];
  return { allowed: granting(true), denied: granting(false), aces };
}

/** Names of well-known SIDs that have no object in the domain ([MS-DTYP] 2.4.2.4). */
export const WELL_KNOWN_SIDS: Readonly<Record<string, string>> = Object.freeze({
  'S-1-1-0': 'Everyone',
  'S-1-5-9': 'Enterprise Domain Controllers',
  'S-1-5-10': 'Self',
  'S-1-5-11': 'Authenticated Users',
  'S-1-5-18': 'Local System',
});
