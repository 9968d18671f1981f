import { describe, expect, it } from 'vitest';
import {
  planTicketEnctypes,
  ticketEnctypes,
  ticketFit,
  ticketMismatchMessage,
} from '../../lib/ad/ticket-enctypes.js';
import { resolveEnctype } from '../../lib/crypto/enctypes.js';

const e = (...names: string[]) => names.map((n) => resolveEnctype(n));
const names = (list: readonly { name: string }[]) => list.map((x) => x.name);

describe('the enctype AD encrypts service tickets with', () => {
  it('explicit msDS-SupportedEncryptionTypes: the strongest enctype it allows', () => {
    expect(ticketEnctypes(0x18)).toMatchObject({
      explicit: true,
      ticket: { name: 'aes256-cts-hmac-sha1-96' },
    });
    expect(ticketEnctypes(0x1c)).toMatchObject({
      explicit: true,
      ticket: { name: 'aes256-cts-hmac-sha1-96' },
    });
    expect(ticketEnctypes(0x0c)).toMatchObject({
      explicit: true,
      ticket: { name: 'aes128-cts-hmac-sha1-96' },
    });
    expect(ticketEnctypes(0x4)).toMatchObject({ explicit: true, ticket: { name: 'arcfour-hmac' } });
    expect(ticketEnctypes(0x24)).toMatchObject({
      explicit: true,
      ticket: { name: 'arcfour-hmac' },
    });
  });
  it('unset (or only feature bits): the DC default, AES since the 2026 update, RC4 before', () => {
    for (const bits of [undefined, 0, 0x20, 0x10000]) {
      expect(ticketEnctypes(bits)).toMatchObject({
        explicit: false,
        current: { name: 'aes256-cts-hmac-sha1-96' },
        legacy: { name: 'arcfour-hmac' },
      });
    }
  });
});

describe('does a keytab decrypt them', () => {
  it('explicit: the keytab needs the one enctype AD issues', () => {
    expect(ticketFit(0x18, e('aes256', 'aes128')).ok).toBe(true);
    expect(names(ticketFit(0x18, e('rc4')).missing)).toEqual(['aes256-cts-hmac-sha1-96']);
    // aes128 alone fails when AD may use aes256 for the account.
    expect(names(ticketFit(0x18, e('aes128')).missing)).toEqual(['aes256-cts-hmac-sha1-96']);
    expect(ticketFit(0x4, e('rc4')).ok).toBe(true);
  });
  it('unset: only a keytab with both aes256 and rc4 works with every DC', () => {
    expect(ticketFit(undefined, e('aes256', 'aes128', 'rc4')).ok).toBe(true);
    expect(names(ticketFit(undefined, e('rc4')).missing)).toEqual(['aes256-cts-hmac-sha1-96']);
    expect(names(ticketFit(undefined, e('aes256', 'aes128')).missing)).toEqual(['arcfour-hmac']);
  });
  it('says why in words, naming both DC defaults when unset', () => {
    const msg = ticketMismatchMessage(
      ticketFit(undefined, e('rc4')),
      'tomcat',
      e('rc4'),
      'the keytab',
    );
    expect(msg).toContain(
      'the keytab would hold arcfour-hmac, but msDS-SupportedEncryptionTypes is not set on tomcat',
    );
    expect(msg).toContain(
      'April 2026 update (CVE-2026-20833, KB5073381) issue aes256-cts-hmac-sha1-96 tickets',
    );
    expect(msg).toContain('older DCs (and Samba) issue arcfour-hmac (RC4) tickets');
    expect(
      ticketMismatchMessage(ticketFit(0x18, e('rc4')), 'tomcat', e('rc4'), 'the keytab'),
    ).toContain(
      'msDS-SupportedEncryptionTypes of tomcat is 0x18, so AD issues aes256-cts-hmac-sha1-96 tickets',
    );
  });
});

describe("ktpass's plan for the account's enctypes", () => {
  it('AES keys for an account without the AES bits: the bits are added (as Windows ktpass does)', () => {
    expect(planTicketEnctypes(undefined, e('aes256'), { allowRc4: false })).toMatchObject({
      kind: 'set',
      bits: 0x1c,
      reason: 'add-aes',
    });
    expect(planTicketEnctypes(0x4, e('aes256', 'rc4'), { allowRc4: false })).toMatchObject({
      kind: 'set',
      bits: 0x1c,
    });
    expect(planTicketEnctypes(0x18, e('aes256'), { allowRc4: false })).toEqual({ kind: 'ok' });
  });
  it('RC4 keys for an AES account (the vendor guide on a 2026 domain): refused, or made RC4-only when asked', () => {
    expect(planTicketEnctypes(0x18, e('rc4'), { allowRc4: false })).toMatchObject({
      kind: 'refuse',
    });
    expect(planTicketEnctypes(undefined, e('rc4'), { allowRc4: false })).toMatchObject({
      kind: 'refuse',
    });
    expect(planTicketEnctypes(0x18, e('rc4'), { allowRc4: true })).toMatchObject({
      kind: 'set',
      bits: 0x4,
      reason: 'rc4-only',
    });
    expect(planTicketEnctypes(0x4, e('rc4'), { allowRc4: false })).toEqual({ kind: 'ok' });
  });
  it('aes128 keys alone where AD issues aes256: refused (adding bits cannot help)', () => {
    expect(planTicketEnctypes(0x18, e('aes128'), { allowRc4: true })).toMatchObject({
      kind: 'refuse',
    });
    expect(planTicketEnctypes(undefined, e('aes128'), { allowRc4: false })).toMatchObject({
      kind: 'refuse',
    });
  });
});
