import { describe, expect, it } from 'vitest';
import {
  parseManagedPassword,
  passwordSchedule,
  wipeManagedPassword,
} from '../../lib/ad/gmsa-blob.js';
import { fromHex, toHex, utf16le } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import {
  buildManagedPasswordBlob,
  DAY,
  dcLikePassword,
  MINUTE,
  units,
} from '../helpers/gmsa-blob.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof KtError ? e.code : 'not a KtError';
  }
  return undefined;
}

describe('MSDS-MANAGEDPASSWORD_BLOB ([MS-ADTS] 2.2.19)', () => {
  it('reads a blob written out by hand from the spec layout', () => {
    // version 1, reserved 0, length 40, current at 16, no previous, query at 24, unchanged at 32,
    // "ab" + NUL, 2 bytes of padding, query = 1 day, unchanged = 1 day - 5 min.
    const blob = fromHex(
      '0100' +
        '0000' +
        '28000000' +
        '1000' +
        '0000' +
        '1800' +
        '2000' +
        '610062000000' +
        '0000' +
        '00c0692ac9000000' +
        '00629977c8000000',
    );
    const v = parseManagedPassword(blob);
    expect(v.version).toBe(1);
    expect(toHex(v.current)).toBe('61006200');
    expect(v.previous).toBeUndefined();
    expect(v.queryInterval).toBe(DAY);
    expect(v.unchangedInterval).toBe(DAY - 5n * MINUTE);
    // the test builder lays blobs out the same way
    expect(
      toHex(
        buildManagedPasswordBlob({
          current: units('ab'),
          queryInterval: DAY,
          unchangedInterval: DAY - 5n * MINUTE,
        }),
      ),
    ).toBe(toHex(blob));
  });

  it('a DC-like 256-byte password and a previous password', () => {
    const current = dcLikePassword(1);
    const previous = dcLikePassword(2);
    const v = parseManagedPassword(
      buildManagedPasswordBlob({
        current,
        previous,
        queryInterval: 29n * DAY,
        unchangedInterval: 29n * DAY - 5n * MINUTE,
      }),
    );
    expect(v.current.length).toBe(254);
    expect([...new Uint16Array(v.current.slice().buffer)]).toEqual(current);
    expect([...new Uint16Array(v.previous!.slice().buffer)]).toEqual(previous);
    expect(v.queryInterval).toBe(29n * DAY);
  });

  it('keeps lone surrogates as raw code units', () => {
    const current = [0x41, 0xd800, 0x42, 0xdc00, 0xd83d, 0xde00, 0xdbff];
    const v = parseManagedPassword(
      buildManagedPasswordBlob({ current, queryInterval: DAY, unchangedInterval: DAY }),
    );
    expect(toHex(v.current)).toBe('410000d8420000dc3dd800deffdb');
  });

  it('copies the passwords, and wipes them on request', () => {
    const blob = buildManagedPasswordBlob({
      current: units('secret'),
      previous: units('older'),
      queryInterval: DAY,
      unchangedInterval: DAY,
    });
    const v = parseManagedPassword(blob);
    wipeManagedPassword(v);
    expect(v.current.every((b) => b === 0)).toBe(true);
    expect(v.previous!.every((b) => b === 0)).toBe(true);
    expect(toHex(blob.subarray(16, 28))).toBe(toHex(utf16le('secret')));
  });

  it('refuses malformed values with GMSA_BLOB_INVALID and no password in the message', () => {
    const good = buildManagedPasswordBlob({
      current: units('hunter2'),
      queryInterval: DAY,
      unchangedInterval: DAY,
    });
    expect(code(() => parseManagedPassword(good.slice(0, 10)))).toBe('GMSA_BLOB_INVALID');
    const v2 = good.slice();
    v2[0] = 2;
    expect(code(() => parseManagedPassword(v2))).toBe('GMSA_BLOB_INVALID');
    expect(code(() => parseManagedPassword(good.slice(0, good.length - 4)))).toBe(
      'GMSA_BLOB_INVALID',
    );
    const badOffset = good.slice();
    new DataView(badOffset.buffer).setUint16(8, 4, true);
    expect(code(() => parseManagedPassword(badOffset))).toBe('GMSA_BLOB_INVALID');
    const noNul = buildManagedPasswordBlob({
      current: units('hunter2'),
      queryInterval: DAY,
      unchangedInterval: DAY,
    });
    noNul.fill(0x41, 30, 32);
    try {
      parseManagedPassword(noNul);
      expect.unreachable();
    } catch (e) {
      expect((e as KtError).code).toBe('GMSA_BLOB_INVALID');
      expect((e as KtError).message).toMatch(/terminating NUL/);
      expect((e as KtError).message).not.toMatch(/hunter|h.u.n/);
    }
    expect(
      code(() =>
        parseManagedPassword(
          buildManagedPasswordBlob({ current: [], queryInterval: DAY, unchangedInterval: DAY }),
        ),
      ),
    ).toBe('GMSA_BLOB_INVALID');
    const badInterval = good.slice();
    new DataView(badInterval.buffer).setUint16(14, good.length - 4, true);
    expect(code(() => parseManagedPassword(badInterval))).toBe('GMSA_BLOB_INVALID');
  });
});

describe('the schedule of a managed password', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  it('normal: the password changes after the query interval', () => {
    const s = passwordSchedule(
      { queryInterval: 2n * DAY, unchangedInterval: 2n * DAY - 5n * MINUTE },
      now,
    );
    expect(s.changesAt.toISOString()).toBe('2026-12-08T12:00:00.000Z');
    expect(s.unchangedUntil.toISOString()).toBe('2026-12-08T11:55:00.000Z');
    expect(s.upcoming).toBe(false);
  });
  it('within the clock skew before a change the current password is the coming one', () => {
    const s = passwordSchedule(
      { queryInterval: 3n * MINUTE, unchangedInterval: 3n * MINUTE + 30n * DAY - 5n * MINUTE },
      now,
    );
    expect(s.upcoming).toBe(true);
    expect(s.changesAt.toISOString()).toBe('2026-12-06T12:03:00.000Z');
  });
});
