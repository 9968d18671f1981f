/**
 * The admin's ticket cache as credentials: the parser of MIT's FILE format (re-exported from
 * ./ccache-format.ts), lookups (findCredential, findTgt with start_realm, requireTgt with
 * expiry) and the conversion to the KrbCredentials the TGS exchange of ./client.ts takes.
 * Pure: no node:* (lib/node/ccache.ts finds and reads the file).
 */
import { KtError } from '../errors.js';
import { samePrincipal, type Principal } from '../principal.js';
import type { KrbCredentials } from './client.js';
import { APP_TAG, TICKET_FLAGS } from './constants.js';
import { decodeTicket, toPrincipalName, type EncKdcRepPart, type Ticket } from './messages.js';
import type { Ccache, CcacheConfigEntry, CcacheEntry, CcachePrincipal } from './ccache-format.js';

export { CCACHE_V3, CCACHE_V4, ccacheVersion, parseCcache } from './ccache-format.js';
export type {
  Ccache,
  CcacheConfigEntry,
  CcacheEntry,
  CcacheHeaderField,
  CcachePrincipal,
  CcacheVersion,
} from './ccache-format.js';

// --- lookups -----------------------------------------------------------------------------------------

type Name = Pick<Principal, 'components' | 'realm'>;

/** The value of a configuration entry (first match), optionally for one principal's text. */
export function ccacheConfig(
  cache: Ccache,
  key: string,
  principal?: string,
): CcacheConfigEntry | undefined {
  return cache.config.find(
    (c) => c.key === key && (principal === undefined || c.principal === principal),
  );
}

/**
 * The ticket for a server (name and realm; the name type does not count, as in MIT) whose
 * client is the cache's default principal, or `client` when given. Of several, the one that
 * lasts longest. Expired tickets are returned too: check endTime (see isExpired).
 */
export function findCredential(
  cache: Ccache,
  server: Name,
  client: Name = cache.defaultPrincipal,
): CcacheEntry | undefined {
  let best: CcacheEntry | undefined;
  for (const c of cache.credentials) {
    if (!samePrincipal(c.server, server) || !samePrincipal(c.client, client)) continue;
    if (!best || c.endTime.getTime() > best.endTime.getTime()) best = c;
  }
  return best;
}

/** The realm whose TGT to use: the start_realm configuration entry, else the default principal's realm. */
export function ccacheStartRealm(cache: Ccache): string {
  const start = ccacheConfig(cache, 'start_realm');
  return start !== undefined && start.text !== '' ? start.text : cache.defaultPrincipal.realm;
}

/** The TGT krbtgt/REALM@REALM of the default principal; REALM defaults to ccacheStartRealm. */
export function findTgt(
  cache: Ccache,
  realm: string = ccacheStartRealm(cache),
): CcacheEntry | undefined {
  return findCredential(cache, { components: ['krbtgt', realm], realm });
}

/** Whether a ticket has expired at `now` (its endtime is not later than now). */
export function isExpired(entry: Pick<CcacheEntry, 'endTime'>, now: Date): boolean {
  return entry.endTime.getTime() <= now.getTime();
}

/**
 * The TGT to use, or KtError: CCACHE_NO_TICKET when the cache has none for the realm,
 * CCACHE_EXPIRED (with the time) when it has expired at `now`.
 */
export function requireTgt(
  cache: Ccache,
  now: Date,
  realm: string = ccacheStartRealm(cache),
): CcacheEntry {
  const who = principalText(cache.defaultPrincipal);
  const tgt = findTgt(cache, realm);
  if (!tgt) {
    throw new KtError(
      'CCACHE_NO_TICKET',
      `the credentials cache of ${who} holds no ticket-granting ticket krbtgt/${realm}@${realm}`,
      {
        details: { realm, principal: who },
        hint: `run kinit ${who}`,
      },
    );
  }
  if (isExpired(tgt, now)) {
    throw new KtError(
      'CCACHE_EXPIRED',
      `the ticket-granting ticket of ${who} expired at ${tgt.endTime.toISOString()}`,
      {
        details: { realm, principal: who, endTime: tgt.endTime.toISOString() },
        hint: `run kinit ${who}`,
      },
    );
  }
  return tgt;
}

/** user@REALM, components joined by "/" (unescaped: for messages only). */
export function principalText(p: Name): string {
  return `${p.components.join('/')}@${p.realm}`;
}

// --- conversion -----------------------------------------------------------------------------------

/**
 * A cache entry as the KrbCredentials the client's TGS exchange takes. The ticket is decoded
 * (CCACHE_MALFORMED if it is not a Ticket) and ticketBytes are the stored bytes unchanged.
 * The cache does not keep the KDC reply's encrypted part: `encPart` is rebuilt from the
 * entry's fields, with nonce 0 and an empty lastReq (neither is stored); its tag says AS
 * when the ticket has the INITIAL flag, TGS otherwise.
 */
export function ccacheCredentials(entry: CcacheEntry): KrbCredentials {
  let ticket: Ticket;
  try {
    ticket = decodeTicket(entry.ticket);
  } catch (e) {
    throw new KtError(
      'CCACHE_MALFORMED',
      `the ticket for ${principalText(entry.server)} in the credentials cache (entry at byte ${entry.offset}) is not a Kerberos ticket`,
      {
        details: { offset: entry.offset },
        cause: e,
      },
    );
  }
  const client = plain(entry.client);
  const server = plain(entry.server);
  const encPart: EncKdcRepPart = {
    applicationTag:
      (entry.flags & TICKET_FLAGS.INITIAL) !== 0
        ? APP_TAG.ENC_AS_REP_PART
        : APP_TAG.ENC_TGS_REP_PART,
    key: { keytype: entry.sessionKey.enctype, keyvalue: entry.sessionKey.key },
    lastReq: [],
    nonce: 0,
    flags: entry.flags,
    authTime: entry.authTime,
    startTime: entry.startTime,
    endTime: entry.endTime,
    renewTill: entry.renewTill,
    srealm: server.realm,
    sname: toPrincipalName(server),
    caddr: entry.addresses.length > 0 ? entry.addresses : undefined,
  };
  return {
    client,
    server,
    ticket,
    ticketBytes: entry.ticket,
    sessionKey: { enctype: entry.sessionKey.enctype, key: entry.sessionKey.key },
    flags: entry.flags,
    authTime: entry.authTime,
    startTime: entry.startTime,
    endTime: entry.endTime,
    renewTill: entry.renewTill,
    encPart,
  };
}

function plain(p: CcachePrincipal): Principal {
  return { components: p.components, realm: p.realm, nameType: p.nameType };
}
