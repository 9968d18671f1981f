/**
 * Which enctype AD encrypts an account's service tickets with, and whether a keytab can
 * decrypt them. Pure: the account's msDS-SupportedEncryptionTypes is passed in.
 *
 * The rules, as measured on Samba and documented ([MS-KILE] 3.3.5.7; KB5073381):
 * - An explicit msDS-SupportedEncryptionTypes decides: the KDC encrypts the ticket with the
 *   strongest enctype it allows (aes256 > aes128 > rc4 > DES), e.g. 0x1c -> aes256, 0x4 -> rc4.
 *   AD makes AES keys at every password set (domain level 2008 and higher), so those keys exist.
 * - Unset, the DC's default decides, and that changed in 2026: DCs with the April 2026 update
 *   for CVE-2026-20833 (KB5073381) issue AES-SHA1 tickets (DefaultDomainSupportedEncTypes
 *   0x18: aes256); older DCs, and Samba 4.17, issue RC4. A keytab that must work in both cases
 *   needs both keys; better, the account says what it supports explicitly.
 *
 * The front ends word the results and name their own options; this module only decides.
 */
import type { EnctypeInfo } from '../crypto/enctypes.js';
import { enctypeById, resolveEnctype } from '../crypto/enctypes.js';
import { ENCTYPE_BIT_MASK, enctypeBit, enctypesOfBits } from './flags.js';

const AES256 = resolveEnctype('aes256-cts-hmac-sha1-96');
const AES128 = resolveEnctype('aes128-cts-hmac-sha1-96');
const RC4 = resolveEnctype('arcfour-hmac');

/** msDS-SupportedEncryptionTypes bits of the two AES-SHA1 enctypes, and of RC4. */
export const AES_BITS = (enctypeBit(AES256.id) ?? 0) | (enctypeBit(AES128.id) ?? 0);
export const RC4_BIT = enctypeBit(RC4.id) ?? 0;

/** The DC defaults for an account without msDS-SupportedEncryptionTypes. */
export const DC_DEFAULTS = Object.freeze({
  /** DCs with the April 2026 update (CVE-2026-20833, KB5073381): AES-SHA1 only. */
  current: {
    ticket: AES256,
    words:
      'DCs with the April 2026 update (CVE-2026-20833, KB5073381) issue aes256-cts-hmac-sha1-96 tickets',
  },
  /** Older DCs, and Samba 4.17: RC4. */
  legacy: { ticket: RC4, words: 'older DCs (and Samba) issue arcfour-hmac (RC4) tickets' },
});

/** What AD will encrypt the account's tickets with. */
export type TicketEnctypes =
  | { readonly explicit: true; readonly bits: number; readonly ticket: EnctypeInfo | undefined }
  | { readonly explicit: false; readonly current: EnctypeInfo; readonly legacy: EnctypeInfo };

export function ticketEnctypes(bits: number | undefined): TicketEnctypes {
  if (bits === undefined || (bits & ENCTYPE_BIT_MASK) === 0)
    return {
      explicit: false,
      current: DC_DEFAULTS.current.ticket,
      legacy: DC_DEFAULTS.legacy.ticket,
    };
  return { explicit: true, bits, ticket: enctypesOfBits(bits)[0] };
}

/** Whether keys of `have` decrypt the account's tickets, and which enctypes are missing. */
export interface TicketFit {
  readonly ok: boolean;
  /** Enctypes AD will (or, by the DC's default, may) issue that `have` lacks. */
  readonly missing: readonly EnctypeInfo[];
  readonly tickets: TicketEnctypes;
}

export function ticketFit(bits: number | undefined, have: readonly EnctypeInfo[]): TicketFit {
  const tickets = ticketEnctypes(bits);
  const needed = tickets.explicit
    ? tickets.ticket
      ? [tickets.ticket]
      : []
    : [tickets.current, tickets.legacy];
  const missing = needed.filter((n) => !have.some((h) => h.id === n.id));
  return { ok: missing.length === 0, missing, tickets };
}

/** In words: which tickets AD issues for the account, for messages. */
export function describeTickets(tickets: TicketEnctypes, account: string): string {
  if (tickets.explicit) {
    return tickets.ticket
      ? `msDS-SupportedEncryptionTypes of ${account} is 0x${tickets.bits.toString(16)}, so AD issues ${tickets.ticket.name} tickets for it`
      : `msDS-SupportedEncryptionTypes of ${account} (0x${tickets.bits.toString(16)}) allows no enctype`;
  }
  return `msDS-SupportedEncryptionTypes is not set on ${account}: ${DC_DEFAULTS.current.words}, ${DC_DEFAULTS.legacy.words}`;
}

/** How an admin tells which default their DCs apply (for hints and docs). */
export const DC_DEFAULT_HOW_TO_TELL =
  "the DC's DefaultDomainSupportedEncTypes registry value (HKLM\\SYSTEM\\CurrentControlSet\\Services\\KDC) and the KDCSVC events 201-209 in its System log tell which default applies";

/** What a writer that may change the account can do so that `have` works. */
export type TicketPlan =
  | { readonly kind: 'ok' }
  /** Write msDS-SupportedEncryptionTypes = bits first; then AD issues `ticket`, which `have` holds. */
  | {
      readonly kind: 'set';
      readonly bits: number;
      readonly ticket: EnctypeInfo;
      readonly reason: 'add-aes' | 'rc4-only';
    }
  | { readonly kind: 'refuse'; readonly fit: TicketFit };

/**
 * ktpass's rule: AES keys for an account whose msDS-SupportedEncryptionTypes lacks the AES
 * bits get them added (as Windows ktpass does); RC4-only keys make the account RC4-only only
 * when the user asked for it (allowRc4). Anything else that cannot work is refused.
 */
export function planTicketEnctypes(
  bits: number | undefined,
  have: readonly EnctypeInfo[],
  options: { allowRc4: boolean },
): TicketPlan {
  const hasAes = have.some((e) => ((enctypeBit(e.id) ?? 0) & AES_BITS) !== 0);
  if (hasAes && ((bits ?? 0) & AES_BITS) !== AES_BITS) {
    const next = (bits ?? RC4_BIT) | AES_BITS;
    const fit = ticketFit(next, have);
    if (fit.ok && fit.tickets.explicit && fit.tickets.ticket)
      return { kind: 'set', bits: next, ticket: fit.tickets.ticket, reason: 'add-aes' };
  }
  const fit = ticketFit(bits, have);
  if (fit.ok) return { kind: 'ok' };
  if (options.allowRc4 && have.some((e) => e.id === RC4.id))
    return { kind: 'set', bits: RC4_BIT, ticket: RC4, reason: 'rc4-only' };
  return { kind: 'refuse', fit };
}

/** The refusal in words, without any command-line spelling (each front end adds its fixes). */
export function ticketMismatchMessage(
  fit: TicketFit,
  account: string,
  have: readonly EnctypeInfo[],
  what: string,
): string {
  const holds = have.length ? have.map((e) => e.name).join(', ') : 'no keys';
  return `${what} would hold ${holds}, but ${describeTickets(fit.tickets, account)}; without ${fit.missing.map((e) => e.name).join(' and ')} keys the service cannot decrypt them`;
}

/**
 * For verify and doctor: an account without msDS-SupportedEncryptionTypes, and what a keytab
 * holding `enctypes` (numbers, as read) lacks for either DC default.
 */
export function unsetEnctypesWords(dn: string, enctypes: readonly number[]): string {
  const have = enctypes.flatMap((n) => enctypeById(n) ?? []);
  const { missing } = ticketFit(undefined, have);
  const lacks = missing.length
    ? `; the keytab has no ${missing.map((e) => e.name).join(' or ')} key, so the service fails where those tickets are issued`
    : '';
  return `msDS-SupportedEncryptionTypes is not set on ${dn}: ${DC_DEFAULTS.current.words}, ${DC_DEFAULTS.legacy.words}${lacks}`;
}
