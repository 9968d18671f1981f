/**
 * The `keytab add --from SPEC` format: one row per principal, as JSON (an array of objects,
 * or {"entries": [...]}) or CSV with a header line. Field names (CSV header or JSON keys):
 *
 *   principal       HTTP/web.example.com@EXAMPLE.COM              required
 *   enctypes        "aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96", "ad", "all"
 *                   (JSON: also an array; CSV: separate with spaces or ";")
 *   kvno            2
 *   password        the password itself (the spec file is then a secret: mode 0600)
 *   password_file   a file holding it (relative to the spec file)
 *   random_key      true: fresh random keys (no password); `random` is the same
 *   salt | salt_hex | ad_user | ad_upn | ad_computer    one salt rule, as the options
 *   name_type       1, KRB5_NT_PRINCIPAL, ...
 *   iterations      PBKDF2 iteration count
 *
 * camelCase spellings (passwordFile, adUser, ...) are accepted in JSON too.
 */
import { KtError } from '../errors.js';

/** How one field of a row is read: the property it fills and its kind. */
export interface FieldSpec<K extends string> {
  readonly key: K;
  readonly kind: 'string' | 'number' | 'boolean' | 'list';
}

export interface BatchRow {
  /** 1-based line (CSV) or item (JSON) number, for messages. */
  readonly line: number;
  readonly principal: string;
  readonly enctypes?: string | undefined;
  readonly kvno?: number | undefined;
  readonly password?: string | undefined;
  readonly passwordFile?: string | undefined;
  readonly randomKey?: boolean | undefined;
  readonly salt?: string | undefined;
  readonly saltHex?: string | undefined;
  readonly adUser?: string | undefined;
  readonly adUpn?: string | undefined;
  readonly adComputer?: string | undefined;
  readonly nameType?: string | undefined;
  readonly iterations?: number | undefined;
}

type Field = Exclude<keyof BatchRow, 'line'>;

/** Field name (snake_case as documented) → row property and kind. */
// prettier-ignore
const FIELDS: Readonly<Record<string, FieldSpec<Field>>> = {
  principal: { key: 'principal', kind: 'string' },
  enctypes: { key: 'enctypes', kind: 'list' },
  kvno: { key: 'kvno', kind: 'number' },
  password: { key: 'password', kind: 'string' },
  password_file: { key: 'passwordFile', kind: 'string' },
  random_key: { key: 'randomKey', kind: 'boolean' },
  random: { key: 'randomKey', kind: 'boolean' },
  salt: { key: 'salt', kind: 'string' },
  salt_hex: { key: 'saltHex', kind: 'string' },
  ad_user: { key: 'adUser', kind: 'string' },
  ad_upn: { key: 'adUpn', kind: 'string' },
  ad_computer: { key: 'adComputer', kind: 'string' },
  name_type: { key: 'nameType', kind: 'string' },
  iterations: { key: 'iterations', kind: 'number' },
};

const camelToSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function fail(line: number, message: string): never {
  throw new KtError(
    'INPUT_INVALID',
    `batch spec, ${line === 0 ? 'header' : `row ${line}`}: ${message}`,
  );
}

function toRow<K extends string>(
  line: number,
  record: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, FieldSpec<K>>>,
  required: readonly K[],
): { line: number } & Partial<Record<K, string | number | boolean>> {
  const row: Record<string, unknown> = { line };
  for (const [rawName, value] of Object.entries(record)) {
    const name = camelToSnake(rawName.trim());
    const field = fields[name];
    if (!field) fail(line, `unknown field "${rawName}" (known: ${Object.keys(fields).join(', ')})`);
    if (value === '' || value === null || value === undefined) continue;
    switch (field.kind) {
      case 'string':
        if (typeof value !== 'string' && typeof value !== 'number')
          fail(line, `${name} must be text`);
        row[field.key] = String(value);
        break;
      case 'list':
        if (Array.isArray(value)) row[field.key] = value.map(String).join(',');
        else if (typeof value === 'string' || typeof value === 'number')
          row[field.key] = String(value).replace(/[;\s]+/g, ',');
        else fail(line, `${name} must be a list of enctypes`);
        break;
      case 'number': {
        const n = typeof value === 'number' ? value : Number(String(value).trim());
        if (!Number.isInteger(n) || n < 0)
          fail(line, `${name} must be a whole number, got "${String(value)}"`);
        row[field.key] = n;
        break;
      }
      case 'boolean': {
        const text = String(value).trim().toLowerCase();
        if (!['true', 'false', '1', '0', 'yes', 'no'].includes(text))
          fail(line, `${name} must be true or false`);
        row[field.key] = ['true', '1', 'yes'].includes(text);
        break;
      }
    }
  }
  for (const key of required)
    if (row[key] === undefined)
      fail(line, `${Object.keys(fields).find((n) => fields[n]?.key === key) ?? key} is missing`);
  return row as { line: number } & Partial<Record<K, string | number | boolean>>;
}

/** One CSV line into fields: commas, double quotes with "" escapes (RFC 4180). */
function csvFields(text: string, line: number): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) fail(line, 'unterminated quote');
  out.push(field);
  return out;
}

/** `keytab add --from`: rows of principals. */
export function parseBatchSpec(text: string): BatchRow[] {
  return parseRows(text, FIELDS, ['principal']) as unknown as BatchRow[];
}

/**
 * Rows from JSON (an array of objects, or {"entries": [...]}) or CSV with a header line,
 * checked against a field table; `#` lines and blank lines in CSV are skipped.
 */
export function parseRows<K extends string>(
  text: string,
  fields: Readonly<Record<string, FieldSpec<K>>>,
  required: readonly K[],
): ({ line: number } & Partial<Record<K, string | number | boolean>>)[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new KtError('INPUT_INVALID', `batch spec is not valid JSON: ${(err as Error).message}`);
    }
    const items = Array.isArray(data) ? data : (data as { entries?: unknown }).entries;
    if (!Array.isArray(items))
      throw new KtError(
        'INPUT_INVALID',
        'batch spec JSON must be an array of rows or {"entries": [...]}',
      );
    return items.map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        fail(i + 1, 'each row must be an object');
      return toRow(i + 1, item as Record<string, unknown>, fields, required);
    });
  }
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  if (headerIndex < 0) throw new KtError('INPUT_INVALID', 'batch spec is empty');
  const header = csvFields(lines[headerIndex] as string, 0).map((h) => h.trim());
  const rows: ({ line: number } & Partial<Record<K, string | number | boolean>>)[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.trim() === '' || l.startsWith('#')) continue;
    const cells = csvFields(l, i + 1);
    if (cells.length !== header.length)
      fail(i + 1, `${cells.length} fields, the header has ${header.length}`);
    rows.push(
      toRow(i + 1, Object.fromEntries(header.map((h, j) => [h, cells[j]])), fields, required),
    );
  }
  return rows;
}
