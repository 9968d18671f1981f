import { describe, expect, it } from 'vitest';
import { parseGmsaMembership, sidToBytes, sidToString } from '../../lib/ad/gmsa-membership.js';
import { concatBytes, toHex } from '../../lib/bytes.js';

const ADMIN = 'S-1-5-21-1004336348-1177238915-682003330-500';
const READERS = 'S-1-5-21-1004336348-1177238915-682003330-1105';
const BLOCKED = 'S-1-5-21-1004336348-1177238915-682003330-1106';

function ace(type: number, mask: number, sid: string, objectFlags?: number): Uint8Array {
  const sidBytes = sidToBytes(sid);
  const extra =
    objectFlags === undefined ? 0 : 4 + (objectFlags & 1 ? 16 : 0) + (objectFlags & 2 ? 16 : 0);
  const out = new Uint8Array(8 + extra + sidBytes.length);
  const v = new DataView(out.buffer);
  v.setUint8(0, type);
  v.setUint16(2, out.length, true);
  v.setUint32(4, mask, true);
  if (objectFlags !== undefined) v.setUint32(8, objectFlags, true);
  out.set(sidBytes, 8 + extra);
  return out;
}

/** A self-relative SD, [MS-DTYP] 2.4.6, with an owner and a DACL of the ACEs given. */
function sd(aces: Uint8Array[], control = 0x8004): Uint8Array {
  const owner = sidToBytes('S-1-5-32-544');
  const body = concatBytes(...aces);
  const acl = new Uint8Array(8 + body.length);
  const av = new DataView(acl.buffer);
  av.setUint8(0, 4);
  av.setUint16(2, acl.length, true);
  av.setUint16(4, aces.length, true);
  acl.set(body, 8);
  const head = new Uint8Array(20);
  const hv = new DataView(head.buffer);
  hv.setUint8(0, 1);
  hv.setUint16(2, control, true);
  hv.setUint32(4, 20, true);
  hv.setUint32(16, 20 + owner.length, true);
  return concatBytes(head, owner, acl);
}

describe('SIDs ([MS-DTYP] 2.4.2)', () => {
  it('round-trip', () => {
    for (const s of [ADMIN, 'S-1-5-32-544', 'S-1-1-0', 'S-1-5-18'])
      expect(sidToString(sidToBytes(s)).sid).toBe(s);
    expect(toHex(sidToBytes('S-1-5-32-544'))).toBe('01020000000000052000000020020000');
  });
});

describe('msDS-GroupMSAMembership', () => {
  it('lists the SIDs allowed to read the password, and the denied ones', () => {
    const m = parseGmsaMembership(
      sd([
        ace(0x00, 0x10, ADMIN),
        ace(0x00, 0xf01ff, READERS),
        ace(0x01, 0x10, BLOCKED),
        ace(0x00, 0x4, 'S-1-5-11'),
      ]),
    );
    expect(m.allowed).toEqual([ADMIN, READERS]);
    expect(m.denied).toEqual([BLOCKED]);
    expect(m.aces).toHaveLength(4);
  });
  it('reads object ACEs with and without object types', () => {
    const m = parseGmsaMembership(
      sd([ace(0x05, 0x10, ADMIN, 1), ace(0x05, 0x10, READERS, 3), ace(0x05, 0x10, BLOCKED, 0)]),
    );
    expect(m.allowed).toEqual([ADMIN, READERS, BLOCKED]);
  });
  it('no DACL: nobody', () => {
    expect(parseGmsaMembership(sd([], 0x8000)).allowed).toEqual([]);
  });
  it('refuses truncated descriptors in words', () => {
    const good = sd([ace(0x00, 0x10, ADMIN)]);
    expect(() => parseGmsaMembership(good.slice(0, 12))).toThrow(/shorter than its header/);
    expect(() => parseGmsaMembership(good.slice(0, good.length - 3))).toThrow(/runs past/);
  });
});
