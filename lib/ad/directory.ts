/**
 * The directory session: the one place that talks LDAP (through ldapts) and the one place
 * Buffers appear (attribute values on the wire). A Kerberos bind sealed on ldap://
 * (lib/node/directory-kerberos.ts), or LDAPS / StartTLS with certificate verification and a
 * simple bind with a DN or UPN; timeouts, the base DN from the RootDSE, and `auth`: how it bound.
 *
 *   await using dir = await openDirectory(config);
 *   const account = await requireAccount(dir, 'svc-web');
 */
import { readFileSync } from 'node:fs';
import { isIP, type connect as netConnect } from 'node:net';
import { enctypeName } from '../crypto/enctypes.js';
import { openSealedConnection } from '../node/directory-kerberos.js';
import { rootCertificates } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { Attribute, Change, Client } from 'ldapts';
import type { Entry } from 'ldapts';
import { KtError, isKtError } from '../errors.js';
import { option, remedy } from '../remedy.js';
import { assertSafeToSend, carriesSecret } from './changes.js';
import { refuseLoggedPassword } from './debug-guard.js';
import { parseLdapUrl, type DirectoryConfig, type KerberosAuth } from './config.js';
import { directoryError } from './errors.js';
import type { DirectoryOperation, ErrorContext } from './errors.js';
import type {
  AttrValue,
  DirEntry,
  Directory,
  DirectoryAuthInfo,
  DirectoryChange,
  SearchRequest,
} from './types.js';

/** Entries per page of a paged search unless the request says otherwise. */
const DEFAULT_PAGE_SIZE = 500;

/** System CA bundles, as OpenSSL-based tools (ldapsearch, curl) find them. */
const SYSTEM_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/**
 * Without --ca-file: Node's own CA list plus the system bundle, so a company CA installed with
 * update-ca-certificates is trusted as it is by ldapsearch.
 */
function defaultCas(): string[] {
  for (const path of SYSTEM_CA_BUNDLES) {
    try {
      return [...rootCertificates, readFileSync(path, 'utf8')];
    } catch {
      // try the next location
    }
  }
  return [...rootCertificates];
}

function toBuffer(value: AttrValue): Buffer | string {
  return typeof value === 'string'
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function values(list: readonly AttrValue[]): Buffer[] | string[] {
  if (list.every((v) => typeof v === 'string')) return [...(list as readonly string[])];
  return list.map((v) =>
    typeof v === 'string' ? Buffer.from(v, 'utf8') : (toBuffer(v) as Buffer),
  );
}

/** An ldapts entry as our DirEntry: lower-case names, text values (and bytes for `binaryNames`). */
export function normalizeEntry(entry: Entry, binaryNames: readonly string[] = []): DirEntry {
  const attributes: Record<string, string[]> = {};
  const binary: Record<string, Uint8Array[]> = {};
  const wanted = new Set(binaryNames.map((n) => n.toLowerCase()));
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) continue;
    if (wanted.has(name.toLowerCase()))
      binary[name.toLowerCase()] = list.map((v) =>
        typeof v === 'string' ? new TextEncoder().encode(v) : new Uint8Array(v),
      );
    else
      attributes[name.toLowerCase()] = list.map((v) =>
        typeof v === 'string' ? v : v.toString('utf8'),
      );
  }
  return wanted.size > 0 ? { dn: entry.dn, attributes, binary } : { dn: entry.dn, attributes };
}

/** ldapts matches explicitBufferAttributes by the name the server returns: both usual spellings. */
const bufferOption = (r: SearchRequest): object =>
  r.binaryAttributes?.length
    ? { explicitBufferAttributes: r.binaryAttributes.flatMap((n) => [n, n.toLowerCase()]) }
    : {};

/** A bound session over ldapts. Close it (or `await using` it) when done. */
export class LdapDirectory implements Directory, AsyncDisposable {
  readonly #client: Client;
  readonly #config: DirectoryConfig;
  readonly #tls: boolean;
  #baseDn = '';
  #configurationDn: string | undefined;
  #serverName: string | undefined;
  #closed = false;
  #auth: DirectoryAuthInfo | undefined;
  /** The typed error of the sealed socket in use (Kerberos sessions). */
  #socketError: (() => Error | undefined) | undefined;

  private constructor(client: Client, config: DirectoryConfig, tls: boolean) {
    this.#client = client;
    this.#config = config;
    this.#tls = tls;
  }

  /** Connects (LDAPS, or LDAP + StartTLS), binds and reads the RootDSE. */
  static async open(config: DirectoryConfig): Promise<LdapDirectory> {
    if (config.kerberos)
      return LdapDirectory.#openKerberos({ ...config, kerberos: config.kerberos });
    const url = parseLdapUrl(config.url);
    const tlsOptions: ConnectionOptions = {
      ca: config.ca ?? defaultCas(),
      rejectUnauthorized: !config.insecureTls,
      minVersion: 'TLSv1.2',
      // RFC 6066 forbids an IP address as SNI; the certificate check still uses the host.
      ...(isIP(url.host) === 0 ? { servername: url.host } : {}),
    };
    const timing = { timeout: config.timeoutMs, connectTimeout: config.timeoutMs };
    // ldapts switches to TLS whenever tlsOptions are given, so an ldap:// client gets none:
    // its TLS options go to startTLS() instead.
    const client =
      url.scheme === 'ldaps'
        ? new Client({ url: url.url, tlsOptions, ...timing })
        : new Client({ url: url.url, ...timing });
    const dir = new LdapDirectory(client, config, url.scheme === 'ldaps' || config.startTls);
    try {
      if (config.startTls) {
        // startTLS() checks the certificate against `host`; without it Node checks "localhost".
        await dir.#run('starttls', () => client.startTLS({ ...tlsOptions, host: url.host }));
      }
      await dir.#run('bind', () => client.bind(config.bindDn ?? '', config.bindPassword));
      await dir.#readRootDse();
    } catch (err) {
      await dir.close();
      throw err;
    }
    return dir;
  }

  /**
   * Kerberos: the SASL GSSAPI bind and its sealing are done on a socket of our own
   * (lib/node/sasl-socket.ts); ldapts is given that socket and sends its messages through it.
   */
  static async #openKerberos(
    config: DirectoryConfig & { readonly kerberos: KerberosAuth },
  ): Promise<LdapDirectory> {
    // createConnection hands over the bound socket, and binds anew when ldapts reconnects.
    const { conn, info, createConnection, socketError } = await openSealedConnection(config);
    const client = new Client({
      url: parseLdapUrl(config.url).url,
      timeout: config.timeoutMs,
      createConnection: createConnection as unknown as typeof netConnect,
    });
    const dir = new LdapDirectory(client, config, false);
    dir.#socketError = socketError;
    dir.#auth = {
      method: 'kerberos',
      layer: `SASL GSSAPI, sealed (${enctypeName(conn.enctype)})`,
      ...info,
      maxBuffer: conn.maxSize,
    };
    try {
      await dir.#readRootDse();
    } catch (err) {
      await dir.close();
      throw err;
    }
    return dir;
  }

  /** How this session authenticated (doctor, --debug-auth). */
  get auth(): DirectoryAuthInfo {
    return (
      this.#auth ?? {
        method: 'simple',
        layer: this.#tls ? 'TLS' : 'none (clear text)',
        client: this.#config.bindDn ?? '',
      }
    );
  }

  get url(): string {
    return this.#config.url;
  }

  get baseDn(): string {
    return this.#baseDn;
  }

  get configurationDn(): string | undefined {
    return this.#configurationDn;
  }

  get serverName(): string | undefined {
    return this.#serverName;
  }

  /**
   * Encrypted and still bound. ldapts reconnects silently after a dropped connection, and a
   * reconnected StartTLS session would be plain and unbound: `isBound` turns false then.
   */
  get encrypted(): boolean {
    if (this.#auth?.method === 'kerberos') return !this.#closed && this.#client.isConnected;
    return this.#tls && !this.#closed && this.#client.isConnected && this.#client.isBound;
  }

  async #readRootDse(): Promise<void> {
    // [MS-ADTS] 3.1.1.3.2: rootDSE attributes defaultNamingContext, configurationNamingContext, dnsHostName.
    const [root] = await this.search({
      base: '',
      scope: 'base',
      attributes: ['defaultNamingContext', 'configurationNamingContext', 'dnsHostName'],
    });
    const first = (name: string): string | undefined => root?.attributes[name.toLowerCase()]?.[0];
    this.#configurationDn = first('configurationNamingContext');
    this.#serverName = first('dnsHostName');
    const base = this.#config.baseDn ?? first('defaultNamingContext');
    if (base === undefined) {
      throw new KtError(
        'AD_CONFIG',
        `${this.url} did not say its naming context (no defaultNamingContext in the RootDSE)`,
        {
          remedy: remedy`give the search base with ${option('baseDn', 'DC=example,DC=com')} (or KEYTAB_BASE_DN)`,
        },
      );
    }
    this.#baseDn = base;
  }

  #context(operation: DirectoryOperation, dn?: string): ErrorContext {
    // Kerberos: the client principal names the account in messages ("x@REALM may not ...").
    const who = this.#config.bindDn ?? this.#auth?.client;
    return {
      operation,
      url: this.#config.url,
      ...(who !== undefined ? { bindDn: who } : {}),
      caFile: this.#config.caFile,
      timeoutMs: this.#config.timeoutMs,
      ...(dn !== undefined ? { dn } : {}),
    };
  }

  async #run<T>(operation: DirectoryOperation, fn: () => Promise<T>, dn?: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      // A sealed connection that failed a wrap-token check: its own typed error (GSS_*), not
      // the bare message ldapts passes on.
      const sealed = this.#socketError?.();
      if (isKtError(sealed) && sealed.code.startsWith('GSS_')) throw sealed;
      throw directoryError(err, this.#context(operation, dn));
    }
  }

  /** Refuses to let ldapts reconnect behind our back (plain and unbound after StartTLS). */
  #ensureLive(): void {
    if (this.#closed) throw new KtError('INTERNAL', 'the directory session is closed');
    // A Kerberos session is bound by the SASL exchange, not by ldapts: every connection ldapts
    // makes (the first, or again after a drop) is bound and sealed by createConnection.
    const live =
      this.#auth?.method === 'kerberos' ? true : this.#client.isConnected && this.#client.isBound;
    if (!live) {
      throw new KtError('AD_CONNECT', `the connection to ${this.url} was lost`, {
        hint: 'run the command again',
        details: { url: this.url },
      });
    }
  }

  async search(request: SearchRequest): Promise<DirEntry[]> {
    this.#ensureLive();
    const result = await this.#run(
      'search',
      () =>
        this.#client.search(request.base, {
          scope: request.scope ?? 'sub',
          filter: request.filter ?? '(objectClass=*)',
          attributes: [...request.attributes],
          ...(request.sizeLimit !== undefined ? { sizeLimit: request.sizeLimit } : {}),
          ...(request.paged ? { paged: { pageSize: request.pageSize ?? DEFAULT_PAGE_SIZE } } : {}),
          ...bufferOption(request),
        }),
      request.base,
    );
    return result.searchEntries.map((e) => normalizeEntry(e, request.binaryAttributes));
  }

  /** A paged search (RFC 2696), yielding each page as it arrives. */
  async *searchPages(request: SearchRequest): AsyncGenerator<DirEntry[]> {
    this.#ensureLive();
    const pages = this.#client.searchPaginated(request.base, {
      scope: request.scope ?? 'sub',
      filter: request.filter ?? '(objectClass=*)',
      attributes: [...request.attributes],
      ...(request.sizeLimit !== undefined ? { sizeLimit: request.sizeLimit } : {}),
      paged: { pageSize: request.pageSize ?? DEFAULT_PAGE_SIZE },
      ...bufferOption(request),
    });
    for (;;) {
      const next = await this.#run('search', () => pages.next(), request.base);
      if (next.done === true) return;
      yield next.value.searchEntries.map((e) => normalizeEntry(e, request.binaryAttributes));
    }
  }

  async apply(change: DirectoryChange): Promise<void> {
    this.#ensureLive();
    assertSafeToSend(change, this.encrypted, this.url);
    if (carriesSecret(change)) refuseLoggedPassword();
    if (change.kind === 'add') {
      const attributes = change.attributes.map(
        (a) => new Attribute({ type: a.attribute, values: values(a.values) }),
      );
      await this.#run('add', () => this.#client.add(change.dn, attributes), change.dn);
      return;
    }
    const changes = change.modifications.map(
      (m) =>
        new Change({
          operation: m.operation,
          modification: new Attribute({ type: m.attribute, values: values(m.values) }),
        }),
    );
    await this.#run('modify', () => this.#client.modify(change.dn, changes), change.dn);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#client.unbind();
    } catch {
      // closing a broken connection: nothing more to do
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Opens a bound session; see LdapDirectory.open. */
export const openDirectory = (config: DirectoryConfig): Promise<LdapDirectory> =>
  LdapDirectory.open(config);
