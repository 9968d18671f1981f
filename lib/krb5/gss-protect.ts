/**
 * The one place that picks a context's per-message token format, by the token key's enctype
 * family in the enctype table (as MIT util_crypt.c kg_setup_keys does):
 *
 *   aes-sha1, aes-sha2, camellia -> RFC 4121 section 4.2.6.2 tokens (gss-wrap.ts)
 *   rc4                          -> RFC 4757 section 7.3 tokens (gss-wrap-rc4.ts)
 *   des, des3                    -> RFC 1964 tokens of their own: not implemented, refused
 *
 * And which key protects the tokens (RFC 4121 section 2; MIT init_sec_ctx.c mutual_auth):
 * the acceptor's subkey when the AP-REP carries one and either its format is RFC 4121 or its
 * enctype differs from ours; otherwise our own subkey. Pure.
 */
import { resolveEnctype } from '../crypto/enctypes.js';
import type { EnctypeFamily } from '../crypto/enctypes.js';
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';
import type { KrbKey } from './client.js';
import { unwrap, wrap } from './gss-wrap.js';
import type { WrapFunction, WrapState } from './gss-wrap.js';
import { unwrapRc4, wrapRc4 } from './gss-wrap-rc4.js';

export interface WrapFormat {
  /** For --debug-auth and doctor. */
  readonly name: string;
  /** Tokens carry the AcceptorSubkey flag: the acceptor's subkey always wins. */
  readonly acceptorSubkeyAlways: boolean;
  readonly wrap: WrapFunction;
  readonly unwrap: (state: WrapState, token: Uint8Array) => { data: Uint8Array; sealed: boolean };
}

const RFC4121: WrapFormat = Object.freeze({
  name: 'RFC 4121',
  acceptorSubkeyAlways: true,
  wrap,
  unwrap,
});
const RFC4757: WrapFormat = Object.freeze({
  name: 'RFC 4757 (RC4)',
  acceptorSubkeyAlways: false,
  wrap: wrapRc4,
  unwrap: unwrapRc4,
});

const BY_FAMILY: Readonly<Record<EnctypeFamily, WrapFormat | undefined>> = Object.freeze({
  'aes-sha1': RFC4121,
  'aes-sha2': RFC4121,
  camellia: RFC4121,
  rc4: RFC4757,
  des: undefined,
  des3: undefined,
});

/** The token format for keys of `enctype`; GSS_FAILURE (with a way out) when there is none. */
export function wrapFormat(enctype: number): WrapFormat {
  const info = resolveEnctype(enctype);
  const format = info.family === undefined ? undefined : BY_FAMILY[info.family];
  if (format === undefined) {
    throw new KtError(
      'GSS_FAILURE',
      `the session key is ${info.name}: sealed LDAP here needs an AES or RC4 session key`,
      {
        remedy: remedy`allow AES for the DC account and the admin (msDS-SupportedEncryptionTypes), or use LDAPS with ${option('auth', 'simple')}`,
      },
    );
  }
  return format;
}

/** The key that protects the tokens, and whether it is the acceptor's subkey. */
export function tokenKey(
  initiatorSubkey: KrbKey,
  acceptorSubkey: KrbKey | undefined,
): { key: KrbKey; acceptorSubkey: boolean } {
  if (acceptorSubkey === undefined) return { key: initiatorSubkey, acceptorSubkey: false };
  if (
    wrapFormat(acceptorSubkey.enctype).acceptorSubkeyAlways ||
    acceptorSubkey.enctype !== initiatorSubkey.enctype
  )
    return { key: acceptorSubkey, acceptorSubkey: true };
  return { key: initiatorSubkey, acceptorSubkey: false };
}
