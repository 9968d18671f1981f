/**
 * `keytab gmsa`: the KDC's word on the salt. An AS-REQ for NAME$@REALM without
 * pre-authentication is answered with KDC_ERR_PREAUTH_REQUIRED whose PA-ETYPE-INFO2 carries
 * the salt of each AES key (RFC 4120 5.2.7.5); it must be the computer rule's salt that the
 * keys were derived with. The KDC: --kdc, else the realm's in krb5.conf, else the domain
 * controller of the directory URL on port 88 (no DNS lookups).
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { parseLdapUrl } from '../ad/config.js';
import { bytesEqual } from '../bytes.js';
import { enctypeName } from '../crypto/enctypes.js';
import { probeAsReq } from '../krb5/client.js';
import type { KrbContext } from '../krb5/client.js';
import { configValues } from '../krb5/config.js';
import type { Krb5Config } from '../krb5/config.js';
import { createNodeKdcTransport, loadNodeKrb5Config } from '../node/krb5-transport.js';
import { accountSalt } from '../ad/account.js';
import type { AccountRecord } from '../ad/account.js';
import type { EnctypeInfo } from '../crypto/enctypes.js';
import { parsePrincipal } from '../principal.js';
import type { Principal } from '../principal.js';
import type { CliContext } from './context.js';
import { warn } from './context.js';

export interface SaltCheck {
  /** agrees: every AES salt the KDC announced is ours; differs: the KDC's is used; unchecked: no answer with salts. */
  readonly result: 'agrees' | 'differs' | 'unchecked';
  /** The salt to derive with: ours, or the KDC's when it differs. */
  readonly salt: Uint8Array;
  readonly saltText: string;
  /** Why unchecked, or what differs, in words. */
  readonly note?: string;
  readonly kdc: string;
}

function loadConfig(ctx: CliContext): Krb5Config | undefined {
  try {
    return loadNodeKrb5Config(ctx.env);
  } catch {
    return undefined;
  }
}

function kdcOf(
  ctx: CliContext,
  realm: string,
  ldapUrl: string,
  given: string | undefined,
): { kdcs: string[] | undefined; config: Krb5Config | undefined; name: string } {
  const config = loadConfig(ctx);
  if (given !== undefined) return { kdcs: [given], config, name: given };
  if (config !== undefined && configValues(config, ['realms', realm, 'kdc']).length > 0)
    return { kdcs: undefined, config, name: `the KDCs of ${realm} in krb5.conf` };
  const host = parseLdapUrl(ldapUrl).host;
  const kdc = isIP(host) === 6 ? `[${host}]:88` : `${host}:88`;
  return { kdcs: [kdc], config, name: kdc };
}

/** Compares the salt of the computer rule with the KDC's announced salts for the AES enctypes. */
export async function checkSaltWithKdc(
  ctx: CliContext,
  client: Principal,
  ours: { bytes: Uint8Array; text: string },
  enctypes: readonly number[],
  where: { ldapUrl: string; kdc: string | undefined; timeoutMs: number },
): Promise<SaltCheck> {
  const { kdcs, config, name } = kdcOf(ctx, client.realm, where.ldapUrl, where.kdc);
  const unchecked = (note: string): SaltCheck => ({
    result: 'unchecked',
    salt: ours.bytes,
    saltText: ours.text,
    note,
    kdc: name,
  });
  const krb: KrbContext = {
    transport: createNodeKdcTransport({
      kdcs,
      config,
      useDns: false,
      timeoutMs: Math.min(where.timeoutMs, 10_000),
    }),
    now: () => new Date(ctx.now() * 1000),
    random: (n) => new Uint8Array(randomBytes(n)),
  };
  let infos;
  try {
    const probe = await probeAsReq(krb, client, { enctypes });
    if (probe.kind === 'error')
      return unchecked(`the KDC (${name}) answered ${probe.failure.message}`);
    infos = probe.etypeInfo.filter(
      (i) =>
        i.saltSource === 'etype-info2' ||
        i.saltSource === 'etype-info' ||
        i.saltSource === 'pw-salt',
    );
  } catch (err) {
    return unchecked(`no answer from the KDC (${name}): ${(err as Error).message}`);
  }
  if (infos.length === 0)
    return unchecked(
      `the KDC (${name}) announced no salt for ${enctypes.map((e) => enctypeName(e)).join(', ')}`,
    );
  const other = infos.find((i) => !bytesEqual(i.salt, ours.bytes));
  if (other) {
    return {
      result: 'differs',
      salt: other.salt,
      saltText: other.saltText,
      note: `the KDC (${name}) uses salt "${other.saltText}" for ${other.enctypeName}, not "${ours.text}": its salt is used`,
      kdc: name,
    };
  }
  return { result: 'agrees', salt: ours.bytes, saltText: ours.text, kdc: name };
}

/** Families whose keys use the salt (the KDC announces salts for these). */
const SALTED = new Set(['aes-sha1', 'aes-sha2', 'camellia', 'des', 'des3']);

/**
 * The salt of the gMSA's keys: the computer rule ([MS-KILE] 3.1.1.2), checked against the
 * KDC's ETYPE-INFO2; a KDC that says otherwise wins (with a warning), and an unchecked salt is
 * said so too.
 */
export async function gmsaSalt(
  ctx: CliContext,
  account: AccountRecord,
  enctypes: readonly EnctypeInfo[],
  where: { ldapUrl: string; kdc: string | undefined; timeoutMs: number; check?: boolean },
): Promise<SaltCheck & { rule: string }> {
  const ours = accountSalt(account, account.realm);
  const salted = enctypes
    .filter((e) => e.family !== undefined && SALTED.has(e.family))
    .map((e) => e.id);
  if (where.check === false)
    return {
      result: 'unchecked',
      salt: ours.bytes,
      saltText: ours.text,
      note: '--no-kdc-check',
      kdc: '',
      rule: ours.explanation,
    };
  if (salted.length === 0)
    return {
      result: 'unchecked',
      salt: ours.bytes,
      saltText: ours.text,
      note: 'no salted enctype asked for',
      kdc: '',
      rule: ours.explanation,
    };
  const client = parsePrincipal(`${account.sAMAccountName}@${account.realm}`);
  const check = await checkSaltWithKdc(ctx, client, ours, salted, where);
  if (check.result === 'differs') warn(ctx, check.note ?? 'the KDC uses another salt');
  if (check.result === 'unchecked')
    warn(
      ctx,
      `the salt "${ours.text}" (${ours.explanation}) was not cross-checked: ${check.note ?? ''}`,
    );
  return { ...check, rule: ours.explanation };
}
