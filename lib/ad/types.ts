/**
 * The shapes shared by the AD modules: what a directory session can do, what an entry looks
 * like once read, and a change to the directory as data (so `--dry-run` can print it and tests
 * can check it without a server).
 */

/** An attribute value to write: text, or bytes (unicodePwd). */
export type AttrValue = string | Uint8Array;

export interface Modification {
  readonly operation: 'add' | 'delete' | 'replace';
  readonly attribute: string;
  /** For `delete`, empty = every value; for `replace`, empty = remove the attribute. */
  readonly values: readonly AttrValue[];
  /** A password: never printed, and only sent over an encrypted connection. */
  readonly secret?: boolean;
}

export interface NewAttribute {
  readonly attribute: string;
  readonly values: readonly AttrValue[];
  readonly secret?: boolean;
}

/** One LDAP request that changes the directory. */
export type DirectoryChange =
  | { readonly kind: 'add'; readonly dn: string; readonly attributes: readonly NewAttribute[] }
  | {
      readonly kind: 'modify';
      readonly dn: string;
      readonly modifications: readonly Modification[];
    };

/** An entry as read: attribute names in lower case, every value as text. */
export interface DirEntry {
  readonly dn: string;
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** The attributes asked for as `binaryAttributes`, as bytes (lower-case names). */
  readonly binary?: Readonly<Record<string, readonly Uint8Array[]>>;
}

export interface SearchRequest {
  readonly base: string;
  readonly scope?: 'base' | 'one' | 'sub';
  /** RFC 4515 filter, built with the escaping helpers; default `(objectClass=*)`. */
  readonly filter?: string;
  readonly attributes: readonly string[];
  /** Ask for at most this many entries (0 = no limit). */
  readonly sizeLimit?: number;
  /** Page through large results (simple paged results control, RFC 2696). */
  readonly paged?: boolean;
  /** Entries per page when paging (default 500; AD sends at most its MaxPageSize, 1000). */
  readonly pageSize?: number;
  /** Attributes to return as bytes in `binary` (security descriptors, SIDs, msDS-ManagedPassword). */
  readonly binaryAttributes?: readonly string[];
}

/** How a session authenticated, in words: `keytab doctor` and `ad show --debug-auth` print it. */
export interface DirectoryAuthInfo {
  readonly method: 'simple' | 'kerberos';
  /** What protects the connection: `TLS`, `SASL GSSAPI, sealed (aes256-cts-hmac-sha1-96)`, or none. */
  readonly layer: string;
  /** The bind DN, or the Kerberos client principal. */
  readonly client: string;
  /** Kerberos: ccache, password or keytab, and where exactly (the cache name, the keytab path). */
  readonly source?: string | undefined;
  readonly from?: string | undefined;
  /** Kerberos: the ldap/ service principal, the KDC asked, the negotiated maximum message size. */
  readonly service?: string | undefined;
  readonly kdc?: string | undefined;
  readonly maxBuffer?: number | undefined;
}

/**
 * A directory session. `openDirectory()` (directory.ts) gives the real one over LDAP; the
 * functions of account.ts, spn.ts and password.ts take any implementation.
 */
export interface Directory {
  /** The URL as configured, for messages: `ldaps://dc1.example.com`. */
  readonly url: string;
  /** Where searches start: the given base DN, else the RootDSE's defaultNamingContext. */
  readonly baseDn: string;
  /** The RootDSE's configurationNamingContext, when the server gave one. */
  readonly configurationDn: string | undefined;
  /** The server's DNS name from the RootDSE (`dnsHostName`), when given. */
  readonly serverName: string | undefined;
  /** True while the connection is encrypted (LDAPS, or StartTLS done) and still bound. */
  readonly encrypted: boolean;
  search(request: SearchRequest): Promise<DirEntry[]>;
  /**
   * The same search, paged (RFC 2696), one page at a time as the server sends them. Optional:
   * without it, searchPages() of audit.ts falls back to one search() of every entry.
   */
  searchPages?(request: SearchRequest): AsyncIterable<DirEntry[]>;
  /** Sends one change. A change carrying a secret is refused before sending unless `encrypted`. */
  apply(change: DirectoryChange): Promise<void>;
  close(): Promise<void>;
}

export interface WriteOptions {
  /** Work out the changes (reads and checks included) and send none. */
  readonly dryRun?: boolean;
}

export interface WriteResult {
  /** The LDAP changes, in the order they are (or would be) sent. */
  readonly changes: readonly DirectoryChange[];
  /** False for a dry run, or when there was nothing to change. */
  readonly applied: boolean;
}
