/**
 * krb5.conf: a parser for MIT's profile syntax (krb5.conf(5), MIT lib/util/profile/prof_parse.c)
 * and typed accessors for what the client and `keytab doctor` need.
 *
 * Syntax, as MIT parses it:
 *   - lines whose first non-blank character is `#` or `;` are comments (only whole lines: a
 *     `#` after a value is part of the value, as in MIT);
 *   - `[section]` starts a section; `[section]*` marks it final;
 *   - `tag = value` is a relation; a value starting with `"` is a quoted string with the
 *     escapes \n \t \b \\ (the rest of the line after the closing quote is ignored); otherwise
 *     the value is the rest of the line without trailing blanks;
 *   - `tag = {` opens a subsection closed by `}`; `}*` or `tag* = {` marks it final;
 *   - a tag may repeat (`kdc` lines): every value is kept, in order;
 *   - `include FILE` and `includedir DIR` at the very start of a line read other files
 *     (krb5.conf(5): "Included profile files are syntactically independent of their parents,
 *     so each included file must begin with a section header"); includedir reads, in sorted
 *     order, the files whose names consist of letters, digits, `-` and `_`, or end in `.conf`
 *     without starting with `.`; `module PATH:RESIDUAL` lines are recorded and ignored.
 *
 * Several files (KRB5_CONFIG=a:b) merge in order: for a single value the first file that has
 * it wins, lists (kdc) gather all files, and a final section or subsection hides the same
 * section in later files ("Placing a `*` after the closing bracket of a section name
 * indicates that the section is final, meaning that if the same section appears within a
 * later file specified in KRB5_CONFIG, it will be ignored").
 *
 * Pure: files are read through an injected ConfigReader. Syntax errors throw
 * KRB5_CONF_INVALID naming the file and line; values that make no sense (clockskew = soon)
 * become warnings, since MIT ignores them and a doctor should report them.
 */
import { KtError } from '../errors.js';

/** How the parser reads files: undefined from readFile means "no such file". */
export interface ConfigReader {
  readFile(path: string): string | undefined;
  /** Entry names (not paths) of a directory; throw or return [] if it does not exist. */
  listDir(path: string): readonly string[];
}

/** One relation or subsection, with where it was written. */
export interface ConfigNode {
  readonly tag: string;
  /** The value of a relation; undefined for a subsection. */
  readonly value?: string | undefined;
  /** The relations of a subsection; undefined for a relation. */
  readonly children?: readonly ConfigNode[] | undefined;
  readonly final: boolean;
  readonly file: string;
  readonly line: number;
  /** Which top-level file (KRB5_CONFIG entry) it came from; includes share their parent's. */
  readonly source: number;
}

export interface ConfigWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface Libdefaults {
  readonly defaultRealm?: string | undefined;
  readonly dnsLookupKdc?: boolean | undefined;
  readonly dnsLookupRealm?: boolean | undefined;
  /** Allowed clock skew in seconds (MIT default 300). */
  readonly clockskew?: number | undefined;
  readonly permittedEnctypes?: readonly string[] | undefined;
  readonly defaultTktEnctypes?: readonly string[] | undefined;
  readonly defaultTgsEnctypes?: readonly string[] | undefined;
  readonly allowWeakCrypto?: boolean | undefined;
  /** Requests larger than this many bytes go over TCP first (MIT default 1465). */
  readonly udpPreferenceLimit?: number | undefined;
  /** Per-KDC timeout in seconds (MIT krb5.conf has none; Heimdal's kdc_timeout). */
  readonly kdcTimeout?: number | undefined;
  readonly rdns?: boolean | undefined;
  readonly dnsCanonicalizeHostname?: string | undefined;
  readonly ticketLifetime?: number | undefined;
  readonly forwardable?: boolean | undefined;
}

export interface RealmConfig {
  readonly realm: string;
  /** `kdc` lines as written: HOST, HOST:PORT, [V6]:PORT, optionally prefixed tcp/ or udp/. */
  readonly kdc: readonly string[];
  readonly adminServer: readonly string[];
  /** primary_kdc (MIT >= 1.19) or its old name master_kdc. */
  readonly primaryKdc: readonly string[];
  readonly kpasswdServer: readonly string[];
  readonly defaultDomain?: string | undefined;
  readonly file: string;
  readonly line: number;
}

export interface DomainRealmMapping {
  /** As written: `.example.com` covers subdomains, `example.com` the host itself. */
  readonly domain: string;
  readonly realm: string;
  readonly file: string;
  readonly line: number;
}

export interface Krb5Config {
  /** The top-level sections of every file, in reading order (sections are ConfigNodes too). */
  readonly sections: readonly ConfigNode[];
  /** Every file read, includes too, in reading order. */
  readonly files: readonly string[];
  readonly libdefaults: Libdefaults;
  /** Realms in the order they first appear. */
  readonly realms: readonly RealmConfig[];
  readonly domainRealm: readonly DomainRealmMapping[];
  /** `module` lines (recorded, not loaded). */
  readonly modules: readonly string[];
  readonly warnings: readonly ConfigWarning[];
}

export interface ParseOptions {
  /** Name of the file the text came from (for messages and relative includes); default "krb5.conf". */
  readonly path?: string | undefined;
  /** Needed only when the text has include / includedir lines. */
  readonly reader?: ConfigReader | undefined;
}

const MAX_INCLUDE_DEPTH = 16;

function syntaxError(file: string, line: number, message: string, hint?: string): KtError {
  return new KtError('KRB5_CONF_INVALID', `${file}:${line}: ${message}`, {
    details: { file, line },
    ...(hint !== undefined ? { hint } : {}),
  });
}

interface MutableNode {
  tag: string;
  value?: string | undefined;
  children?: MutableNode[] | undefined;
  final: boolean;
  file: string;
  line: number;
  source: number;
}

interface ParseState {
  readonly reader: ConfigReader | undefined;
  readonly source: number;
  readonly sections: MutableNode[];
  readonly files: string[];
  readonly modules: string[];
  readonly active: string[];
}

function unquote(text: string, file: string, line: number): string {
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') return out;
    if (c === '\\') {
      const n = text[++i];
      if (n === undefined) break;
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'b' ? '\b' : n;
    } else {
      out += c;
    }
  }
  throw syntaxError(file, line, 'unterminated quoted value');
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** MIT's rule for files an includedir picks up. */
export function includedirAccepts(name: string): boolean {
  if (name.startsWith('.')) return false;
  return /^[A-Za-z0-9_-]+$/.test(name) || name.endsWith('.conf');
}

function readIncluded(state: ParseState, path: string, file: string, line: number): string {
  if (!state.reader)
    throw syntaxError(file, line, `cannot include "${path}": no file reader was given`);
  let text: string | undefined;
  try {
    text = state.reader.readFile(path);
  } catch (cause) {
    throw new KtError('KRB5_CONF_INVALID', `${file}:${line}: cannot read included file "${path}"`, {
      details: { file, line, include: path },
      cause,
    });
  }
  if (text === undefined) throw syntaxError(file, line, `included file "${path}" does not exist`);
  return text;
}

function parseInto(state: ParseState, text: string, file: string, depth: number): void {
  if (depth > MAX_INCLUDE_DEPTH)
    throw syntaxError(file, 1, `includes nested more than ${MAX_INCLUDE_DEPTH} deep`);
  if (state.active.includes(file)) throw syntaxError(file, 1, `"${file}" includes itself`);
  state.active.push(file);
  state.files.push(file);
  let section: MutableNode | undefined;
  const stack: MutableNode[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] as string;
    // Directives are recognised only at the very start of the line (MIT parse_line).
    const directive = /^(include|includedir|module)[ \t]+(.*?)\s*$/.exec(raw);
    if (directive) {
      const [, kind, arg] = directive as unknown as [string, string, string];
      if (arg === '') throw syntaxError(file, lineNo, `${kind} needs an argument`);
      if (kind === 'module') {
        state.modules.push(arg);
      } else if (kind === 'include') {
        parseInto(state, readIncluded(state, arg, file, lineNo), arg, depth + 1);
      } else {
        if (!state.reader)
          throw syntaxError(
            file,
            lineNo,
            `cannot read directory "${arg}": no file reader was given`,
          );
        let names: readonly string[];
        try {
          names = state.reader.listDir(arg);
        } catch (cause) {
          throw new KtError(
            'KRB5_CONF_INVALID',
            `${file}:${lineNo}: cannot read included directory "${arg}"`,
            {
              details: { file, line: lineNo, includedir: arg },
              cause,
            },
          );
        }
        for (const name of [...names].filter(includedirAccepts).sort()) {
          const path = joinPath(arg, name);
          parseInto(state, readIncluded(state, path, file, lineNo), path, depth + 1);
        }
      }
      continue;
    }
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;

    if (line.startsWith('[')) {
      const close = line.indexOf(']');
      if (close < 0) throw syntaxError(file, lineNo, `section header "${line}" has no closing "]"`);
      if (stack.length > 0) {
        throw syntaxError(
          file,
          lineNo,
          `section "${line}" starts inside an unclosed "{" (opened at line ${stack[stack.length - 1]!.line})`,
        );
      }
      const name = line.slice(1, close).trim();
      if (name === '') throw syntaxError(file, lineNo, 'empty section name');
      section = {
        tag: name,
        children: [],
        final: line[close + 1] === '*',
        file,
        line: lineNo,
        source: state.source,
      };
      state.sections.push(section);
      continue;
    }

    if (line.startsWith('}')) {
      const group = stack.pop();
      if (!group) throw syntaxError(file, lineNo, 'unmatched "}"');
      if (line[1] === '*') group.final = true;
      continue;
    }

    if (!section) {
      throw syntaxError(
        file,
        lineNo,
        `"${line.slice(0, 40)}" is outside any [section]`,
        'start the file with a section header such as [libdefaults]',
      );
    }
    const eq = line.indexOf('=');
    if (eq < 0)
      throw syntaxError(file, lineNo, `expected "tag = value", found "${line.slice(0, 40)}"`);
    let tag = line.slice(0, eq).trim();
    if (tag === '' || /\s/.test(tag))
      throw syntaxError(file, lineNo, `bad tag "${tag}" before "="`);
    let final = false;
    if (tag.endsWith('*')) {
      final = true;
      tag = tag.slice(0, -1);
    }
    const rest = line.slice(eq + 1).trim();
    const parent = stack.length > 0 ? (stack[stack.length - 1] as MutableNode) : section;
    if (rest.startsWith('{')) {
      if (rest.slice(1).trim() !== '')
        throw syntaxError(file, lineNo, 'text after "{" on the same line');
      const group: MutableNode = {
        tag,
        children: [],
        final,
        file,
        line: lineNo,
        source: state.source,
      };
      (parent.children as MutableNode[]).push(group);
      stack.push(group);
    } else {
      const value = rest.startsWith('"') ? unquote(rest, file, lineNo) : rest;
      (parent.children as MutableNode[]).push({
        tag,
        value,
        final,
        file,
        line: lineNo,
        source: state.source,
      });
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1] as MutableNode;
    throw syntaxError(file, open.line, `"${open.tag} = {" is never closed`);
  }
  state.active.pop();
}

/** Nodes with `tag` among `nodes`, honouring final: a final node hides later sources' nodes. */
function visible<T extends ConfigNode>(nodes: readonly T[], tag: string): T[] {
  const out: T[] = [];
  let finalSource: number | undefined;
  for (const n of nodes) {
    if (n.tag !== tag) continue;
    if (finalSource !== undefined && n.source !== finalSource) continue;
    out.push(n);
    if (n.final && finalSource === undefined) finalSource = n.source;
  }
  return out;
}

/**
 * Every node at a path (section, subsection..., tag), in file order, merging repeated
 * sections and subsections as MIT does.
 */
export function configNodes(
  config: Pick<Krb5Config, 'sections'>,
  path: readonly string[],
): ConfigNode[] {
  if (path.length === 0) return [];
  let level: ConfigNode[] = visible(config.sections, path[0] as string);
  for (const tag of path.slice(1)) {
    const kids: ConfigNode[] = [];
    for (const n of level) if (n.children) kids.push(...n.children);
    level = visible(kids, tag);
  }
  return level;
}

/** All values of a relation, in order (e.g. ['realms', 'EXAMPLE.COM', 'kdc']). */
export function configValues(
  config: Pick<Krb5Config, 'sections'>,
  path: readonly string[],
): string[] {
  return configNodes(config, path)
    .map((n) => n.value)
    .filter((v): v is string => v !== undefined);
}

/** The first value of a relation. */
export function configValue(
  config: Pick<Krb5Config, 'sections'>,
  path: readonly string[],
): string | undefined {
  return configValues(config, path)[0];
}

const TRUE = new Set(['y', 'yes', 'true', 't', '1', 'on']);
const FALSE = new Set(['n', 'no', 'false', 'nil', '0', 'off']);

/** MIT's boolean words (conf_yes / conf_no); undefined for anything else. */
export function parseConfigBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
}

/**
 * A krb5.conf duration in seconds (krb5.conf(5) "Duration"): `300`, `5m`, `1h 30m`, `1d2h`,
 * `1:30` (h:m), `1:30:00` (h:m:s). Undefined when it does not parse.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  const hms = /^(\d+):(\d{1,2})(?::(\d{1,2}))?$/.exec(t);
  if (hms) return Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3] ?? 0);
  const parts = /^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$/.exec(t);
  if (parts && t !== '' && parts.slice(1).some((p) => p !== undefined)) {
    const [d, h, m, s] = parts.slice(1).map((p) => Number(p ?? 0)) as [
      number,
      number,
      number,
      number,
    ];
    return d * 86400 + h * 3600 + m * 60 + s;
  }
  return undefined;
}

/** An enctype list as written (`aes256-cts aes128-cts`, commas allowed), names not resolved. */
export function parseEnctypeList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s.length > 0);
}

function typed(
  sections: readonly ConfigNode[],
  files: readonly string[],
  modules: readonly string[],
): Krb5Config {
  const warnings: ConfigWarning[] = [];
  const warn = (node: ConfigNode, message: string): void => {
    warnings.push({ file: node.file, line: node.line, message });
  };
  const cfg = { sections };
  const first = (key: string): ConfigNode | undefined =>
    configNodes(cfg, ['libdefaults', key]).find((n) => n.value !== undefined);
  const str = (key: string): string | undefined => first(key)?.value;
  /** A libdefaults value read by `parse`; one it refuses is a warning ("is not <what>") and undefined. */
  const parsed =
    <T>(parse: (text: string) => T | undefined, what: string) =>
    (key: string): T | undefined => {
      const n = first(key);
      if (n?.value === undefined) return undefined;
      const v = parse(n.value);
      if (v === undefined) warn(n, `${key} = "${n.value}" is not ${what}`);
      return v;
    };
  const bool = parsed((t) => parseConfigBoolean(t), 'a boolean (yes/no, true/false)');
  const duration = parsed((t) => parseDuration(t), 'a duration (e.g. 300, 5m, 1h)');
  const int = parsed((t) => (/^\d+$/.test(t.trim()) ? Number(t.trim()) : undefined), 'a number');
  const list = (key: string): string[] | undefined => {
    const v = str(key);
    return v === undefined ? undefined : parseEnctypeList(v);
  };
  const libdefaults: Libdefaults = {
    defaultRealm: str('default_realm'),
    dnsLookupKdc: bool('dns_lookup_kdc'),
    dnsLookupRealm: bool('dns_lookup_realm'),
    clockskew: duration('clockskew'),
    permittedEnctypes: list('permitted_enctypes'),
    defaultTktEnctypes: list('default_tkt_enctypes'),
    defaultTgsEnctypes: list('default_tgs_enctypes'),
    allowWeakCrypto: bool('allow_weak_crypto'),
    udpPreferenceLimit: int('udp_preference_limit'),
    kdcTimeout: duration('kdc_timeout'),
    rdns: bool('rdns'),
    dnsCanonicalizeHostname: str('dns_canonicalize_hostname'),
    ticketLifetime: duration('ticket_lifetime'),
    forwardable: bool('forwardable'),
  };

  const realms: RealmConfig[] = [];
  const seen = new Set<string>();
  for (const section of visible(sections, 'realms')) {
    for (const node of section.children ?? []) {
      if (node.children === undefined) {
        warn(node, `[realms] ${node.tag} should be a "{ ... }" block`);
        continue;
      }
      if (seen.has(node.tag)) continue;
      seen.add(node.tag);
      const values = (tag: string): string[] => configValues(cfg, ['realms', node.tag, tag]);
      const primary = values('primary_kdc');
      realms.push({
        realm: node.tag,
        kdc: values('kdc'),
        adminServer: values('admin_server'),
        primaryKdc: primary.length > 0 ? primary : values('master_kdc'),
        kpasswdServer: values('kpasswd_server'),
        defaultDomain: values('default_domain')[0],
        file: node.file,
        line: node.line,
      });
    }
  }

  const domainRealm: DomainRealmMapping[] = [];
  for (const section of visible(sections, 'domain_realm')) {
    for (const node of section.children ?? []) {
      if (node.value === undefined) {
        warn(node, `[domain_realm] ${node.tag} should be "domain = REALM"`);
        continue;
      }
      domainRealm.push({ domain: node.tag, realm: node.value, file: node.file, line: node.line });
    }
  }
  const order = (w: ConfigWarning): number => files.indexOf(w.file);
  warnings.sort((a, b) => order(a) - order(b) || a.line - b.line);
  return { sections, files, libdefaults, realms, domainRealm, modules, warnings };
}

/** Parses one krb5.conf text (and what it includes). */
export function parseKrb5Conf(text: string, options: ParseOptions = {}): Krb5Config {
  const state: ParseState = {
    reader: options.reader,
    source: 0,
    sections: [],
    files: [],
    modules: [],
    active: [],
  };
  parseInto(state, text, options.path ?? 'krb5.conf', 0);
  return typed(state.sections, state.files, state.modules);
}

/**
 * Reads and merges several files in order (KRB5_CONFIG=a:b:c); missing files are skipped as MIT
 * does. KRB5_CONF_INVALID if none exists.
 */
export function loadKrb5Config(paths: readonly string[], reader: ConfigReader): Krb5Config {
  const sections: MutableNode[] = [];
  const files: string[] = [];
  const modules: string[] = [];
  let found = 0;
  paths.forEach((path, source) => {
    const text = reader.readFile(path);
    if (text === undefined) return;
    found++;
    parseInto({ reader, source, sections, files, modules, active: [] }, text, path, 0);
  });
  if (found === 0) {
    throw new KtError(
      'KRB5_CONF_INVALID',
      `no krb5.conf found (looked for ${paths.join(', ') || 'nothing'})`,
      {
        details: { paths: [...paths] },
        hint: 'set KRB5_CONFIG or create /etc/krb5.conf (keytab krb5conf prints one)',
      },
    );
  }
  return typed(sections, files, modules);
}

/** The [realms] block of a realm (exact, case-sensitive match as in MIT), if any. */
export function realmConfig(config: Krb5Config, realm: string): RealmConfig | undefined {
  return config.realms.find((r) => r.realm === realm);
}

/**
 * The realm of a host from [domain_realm], searched as MIT does (host_realm.c): the host
 * itself, then `.parent` and `parent` for each parent domain, most specific first. The host is
 * lower-cased; the keys are compared exactly (so an upper-case key never matches: a doctor check).
 */
export function realmForHost(config: Krb5Config, host: string): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  const table = new Map<string, string>();
  for (const m of config.domainRealm) if (!table.has(m.domain)) table.set(m.domain, m.realm);
  let cp: string | undefined = name;
  while (cp !== undefined && cp !== '') {
    const realm = table.get(cp);
    if (realm !== undefined) return realm;
    if (cp.startsWith('.')) {
      cp = cp.slice(1);
    } else {
      const dot = cp.indexOf('.');
      cp = dot < 0 ? undefined : cp.slice(dot);
    }
  }
  return undefined;
}
