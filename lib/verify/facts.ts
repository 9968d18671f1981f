/**
 * What `keytab verify` learns from the KDC, per realm and per principal, before any of it is
 * put into words. lib/verify/gather.ts fills these records by talking to the KDC; the judge
 * modules (judge-keys.ts, judge-ticket.ts, judge-run.ts) turn them into lines and do nothing
 * else, so tests can hand-make them. Besides the keytab entries themselves, no key is kept here:
 * where a derived key was compared or a ticket decrypted, only the outcome is.
 */
import type { KeytabEntry } from '../keytab/types.js';
import type { KdcEtypeInfo, KdcFailure, ProbeResult } from '../krb5/client.js';
import type { KdcAttempt, KdcTarget } from '../krb5/transport.js';
import type { Principal } from '../principal.js';
import type { DirectoryAccountView } from './directory.js';
import type { KeyOrigin } from './salts.js';

/** The KDC of a realm, as the exchanges found it. */
export interface KdcFacts {
  readonly realm: string;
  /** The first KDC that answered, how, and what was tried before it. */
  readonly answered?:
    | {
        readonly kdc: KdcTarget;
        readonly protocol: string;
        readonly attempts: readonly KdcAttempt[];
      }
    | undefined;
  /** Some reply was too big for UDP (KRB_ERR_RESPONSE_TOO_BIG) and came over TCP. */
  readonly tooBig: boolean;
}

/** What the KDC has for one enctype of a principal (an AS-REQ without pre-authentication). */
export type EnctypeProbe =
  | {
      readonly kind: 'ok';
      readonly probe: ProbeResult;
      readonly info: KdcEtypeInfo;
      readonly offered: readonly number[];
    }
  | { readonly kind: 'missing'; readonly announced: readonly KdcEtypeInfo[] }
  | { readonly kind: 'refused'; readonly failure: KdcFailure };

/** What the KDC said to one keytab key (the `credentials` are a TGT or a kadmin/changepw ticket). */
export type KeyResult =
  | { readonly kind: 'accepted'; readonly info: KdcEtypeInfo }
  | { readonly kind: 'rejected'; readonly failure: KdcFailure; readonly info: KdcEtypeInfo }
  | { readonly kind: 'refused'; readonly failure: KdcFailure }
  | { readonly kind: 'missing'; readonly announced: readonly KdcEtypeInfo[] }
  | { readonly kind: 'uncheckable' }
  | { readonly kind: 'not-checked' };

/** For a rejected key, given the account's password: what the password shows. */
export interface PasswordFacts {
  /** The KDC accepts the password's key under its own salt. */
  readonly accepted: boolean;
  /** The keytab's key is the password's key under the KDC's salt. */
  readonly sameKey: boolean;
  /** Another salt (or iteration count) under which the password gives the keytab's key. */
  readonly origin?: KeyOrigin | undefined;
}

/** The service ticket the KDC issued, and which of the keytab's keys decrypt it. */
export type ServiceResult =
  | {
      readonly kind: 'ticket';
      readonly kvno: number | undefined;
      readonly enctype: number;
      readonly decrypts: ReadonlySet<KeytabEntry>;
    }
  | { readonly kind: 'refused'; readonly failure: KdcFailure }
  | { readonly kind: 'no-tgt' };

/** What happened to a principal as a whole, before its keys were checked. */
export type PrincipalEvent =
  /** The password has expired; the keys were checked against kadmin/changepw. */
  | { readonly kind: 'expired'; readonly failure: KdcFailure }
  /** The name is an SPN of the account, not a client name; the keys were checked as `as`. */
  | {
      readonly kind: 'not-a-client';
      readonly as: Principal;
      readonly account: DirectoryAccountView;
    }
  /** The KDC refuses the principal: its keys cannot be checked. */
  | { readonly kind: 'refused'; readonly failure: KdcFailure };

/** Everything known about one principal of the keytab. */
export interface PrincipalFacts {
  readonly principal: Principal;
  readonly name: string;
  readonly entries: readonly KeytabEntry[];
  /** The service of the AS exchanges when it is not the TGS (kadmin/changepw for an expired password). */
  readonly asService?: Principal | undefined;
  readonly account?: DirectoryAccountView | undefined;
  readonly probes: ReadonlyMap<number, EnctypeProbe>;
  readonly results: ReadonlyMap<KeytabEntry, KeyResult>;
  /** Per rejected key (not superseded), when the password was given and its enctype probed. */
  readonly passwordChecks: ReadonlyMap<KeytabEntry, PasswordFacts>;
  readonly events: readonly PrincipalEvent[];
  /** The KDC's kvno for the principal, from its service ticket. */
  readonly kdcKvno?: number | undefined;
  readonly service?: ServiceResult | undefined;
}

/** How fixes name the keytab and the password file. */
export interface Naming {
  readonly keytabName?: string | undefined;
  readonly passwordFileName?: string | undefined;
}
