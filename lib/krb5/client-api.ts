/**
 * The AS/TGS client's public names, as one group: lib/core.ts (the package root) and
 * lib/krb5/index.ts (`keytab/krb5`) both re-export it, so the two entries list it once.
 * Re-exports only.
 */
export {
  probeAsReq,
  getInitialTicket,
  getServiceTicket,
  decryptTicket,
  defaultSalt,
} from './client.js';
export type {
  KrbContext,
  KrbKey,
  KdcEtypeInfo,
  ExchangeInfo,
  KdcFailure,
  KrbCredentials,
  Outcome,
  AsRequestOptions,
  ProbeResult,
  InitialSecret,
  InitialTicketOptions,
  InitialTicket,
  ServiceTicketOptions,
  ServiceTicket,
} from './client.js';
