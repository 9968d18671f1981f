import { makeKrb5Conf } from '../../doctor/krb5conf.js';
import { parseKrb5Conf } from '../../krb5/config.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { warn } from '../context.js';
import { splitList } from '../options.js';
import { jsonOption } from '../option-defs.js';

interface Krb5confArgs {
  realm: string;
  kdc: string[] | undefined;
  domain: string[] | undefined;
  'admin-server': string | undefined;
  rc4: boolean;
  json: boolean;
}

// prettier-ignore
export const krb5confCommand = defineCommand<Krb5confArgs>((ctx: CliContext) => ({
  command: 'krb5conf',
  describe: 'Print a correct krb5.conf for a realm (upper-case realm, lower-case domains, no DNS guessing, AES only)',
  builder: (y) =>
    y
      .option('realm', { alias: 'r', type: 'string', demandOption: true, describe: 'the realm (upper-cased: AD realms are the DNS domain in upper case)' })
      .option('kdc', { type: 'string', array: true, describe: 'KDC: HOST, HOST:PORT or [IPv6]:PORT (repeatable); none = DNS SRV lookups' })
      .option('domain', { alias: 'd', type: 'string', array: true, describe: 'DNS domain of the realm\'s hosts (repeatable; default: the realm in lower case)' })
      .option('admin-server', { type: 'string', describe: 'kadmin / password-change server (AD: a DC)' })
      .option('rc4', { type: 'boolean', default: false, describe: 'also permit arcfour-hmac (only for accounts that have no AES keys yet)' })
      .option('json', jsonOption('print {realm, kdcs, domains, adminServer, permittedEnctypes, dnsLookupKdc, notes, text} as JSON'))
      .example('$0 krb5conf --realm EXAMPLE.COM --kdc dc1.example.com --kdc dc2.example.com > /etc/krb5.conf', 'an AD domain with two DCs')
      .example('$0 krb5conf --realm CORP.EXAMPLE.COM --kdc 10.0.0.5 --domain corp.example.com --domain example.net', 'hosts in two domains'),
  handler: (args) => {
    const conf = makeKrb5Conf({ realm: args.realm, kdcs: splitList(args.kdc), domains: splitList(args.domain), adminServer: args['admin-server'], allowRc4: args.rc4 });
    if (args.json) {
      // What the file says, read back with the same parser doctor uses.
      const parsed = parseKrb5Conf(conf.text);
      const realm = parsed.realms[0];
      const json = {
        realm: parsed.libdefaults.defaultRealm ?? null,
        kdcs: realm?.kdc ?? [],
        domains: [...new Set(parsed.domainRealm.map((d) => d.domain.replace(/^\./, '')))],
        adminServer: realm?.adminServer[0] ?? null,
        permittedEnctypes: parsed.libdefaults.permittedEnctypes ?? [],
        dnsLookupKdc: parsed.libdefaults.dnsLookupKdc ?? null,
        notes: conf.notes,
        text: conf.text,
      };
      ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    for (const note of conf.notes) warn(ctx, note);
    ctx.stdout.write(conf.text);
  },
}));
