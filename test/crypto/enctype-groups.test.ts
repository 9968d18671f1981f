/**
 * The named enctype groups and the facts other standards attach to enctypes are derived from
 * the table (lib/crypto/enctypes.ts); these pin the derived values to what the modules used to
 * spell out by number, so that a table edit cannot silently change them.
 */
import { describe, expect, it } from 'vitest';
import { AD_ENCTYPES, ENCTYPES, enctypeById } from '../../lib/crypto/enctypes.js';
import {
  KTPASS_ALL,
  KTPASS_DEFAULT,
  PROBE_ENCTYPES,
  SESSION_ENCTYPES,
} from '../../lib/crypto/policy.js';
import { MIT_ENCTYPE_FAMILIES } from '../../lib/doctor/enctype-list.js';
import { ENCTYPE_BIT_MASK } from '../../lib/ad/flags.js';
import { SUPPORTED_ENCTYPE_BITS } from '../../lib/verify/directory.js';
import { ktpassEtypeLabel } from '../../lib/ktpass/output.js';

describe('named enctype groups (lib/crypto/policy.ts)', () => {
  it('offers the AES enctypes for session keys and AES-SHA1 in probes, strongest first', () => {
    expect(SESSION_ENCTYPES).toEqual([18, 17, 20, 19]);
    expect(PROBE_ENCTYPES).toEqual([18, 17]);
  });

  it("spells ktpass's /crypto All in ktpass's order, and RC4 when no /crypto is given", () => {
    expect(KTPASS_ALL).toEqual([1, 3, 23, 18, 17]);
    expect(KTPASS_DEFAULT.id).toBe(23);
  });
});

describe('facts of the table used elsewhere', () => {
  it('expands the MIT family names as MIT does', () => {
    expect(MIT_ENCTYPE_FAMILIES).toMatchObject({
      des: [1, 3, 2],
      des3: [16],
      rc4: [23],
      aes: [18, 17, 20, 19],
      'aes-sha1': [18, 17],
      'aes-sha2': [20, 19],
      camellia: [26, 25],
    });
  });

  it('holds the msDS-SupportedEncryptionTypes enctype bits once ([MS-KILE] 2.2.7)', () => {
    const table = [
      { bit: 0x1, enctype: 1, name: 'DES-CBC-CRC' },
      { bit: 0x2, enctype: 3, name: 'DES-CBC-MD5' },
      { bit: 0x4, enctype: 23, name: 'RC4-HMAC' },
      { bit: 0x8, enctype: 17, name: 'AES128-CTS-HMAC-SHA1-96' },
      { bit: 0x10, enctype: 18, name: 'AES256-CTS-HMAC-SHA1-96' },
    ];
    expect(AD_ENCTYPES.map((e) => ({ bit: e.adBit, enctype: e.id, name: e.adName }))).toEqual(
      table,
    );
    expect(SUPPORTED_ENCTYPE_BITS).toEqual(table);
    expect(ENCTYPE_BIT_MASK).toBe(0x1f);
  });

  it('says which enctypes ignore the salt, and what ktpass prints for each', () => {
    expect(ENCTYPES.filter((e) => !e.salted).map((e) => e.id)).toEqual([23, 24]);
    expect([1, 3, 17, 18, 23, 16].map(ktpassEtypeLabel)).toEqual([
      'DES-CBC-CRC',
      'DES-CBC-MD5',
      'AES128-SHA1',
      'AES256-SHA1',
      'RC4-HMAC',
      'des3-cbc-sha1',
    ]);
    expect(enctypeById(23)?.ktpassName).toBe('RC4-HMAC-NT');
  });
});
