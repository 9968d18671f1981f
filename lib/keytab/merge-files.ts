/**
 * Merging keytab files record by record, for large inputs. Same rules as mergeEntries (an
 * identical entry once, a different key for the same principal/kvno/enctype a conflict), but
 * nothing is kept per entry besides a few integers: the output is the inputs' own record
 * bytes, copied. Memory stays near the size of the inputs.
 */
import { bytesEqual } from '../bytes.js';
import { KtError } from '../errors.js';
import { formatPrincipal } from '../principal.js';
import type { Principal } from '../principal.js';
import { keytabVersion, readKeytabEntries } from './decode.js';
import { serializeEntry } from './encode.js';
import { KEYTAB_V1, KEYTAB_V2 } from './types.js';

export interface KeytabFile {
  /** For messages: usually the path. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface ReplacedEntry {
  readonly principal: string;
  readonly kvno: number;
  readonly enctype: number;
  readonly from: string;
  readonly by: string;
}

export interface FileMergeResult {
  readonly entries: number;
  readonly duplicates: number;
  readonly replaced: readonly ReplacedEntry[];
  /** The merged keytab (format 0x0502) in pieces, header first. */
  chunks(): Generator<Uint8Array, void, undefined>;
}

/** A growable column of 32-bit integers. */
class IntColumn {
  private data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
  set(i: number, v: number): void {
    this.data[i] = v;
  }
}

const HEADER = Uint8Array.of(KEYTAB_V2 >> 8, KEYTAB_V2 & 0xff);

export function mergeKeytabFiles(files: readonly KeytabFile[], options: { preferLast?: boolean } = {}): FileMergeResult {
  // Per kept entry: which file, where its record and key are. v1 records are re-encoded.
  const src = new IntColumn();
  const start = new IntColumn();
  const end = new IntColumn();
  const keyAt = new IntColumn();
  const keyLength = new IntColumn();
  const encoded = new Map<number, Uint8Array>();
  const index = new Map<string, Map<number, number>>();
  const replaced: ReplacedEntry[] = [];
  let duplicates = 0;

  files.forEach((file, f) => {
    try {
      readFile(file, f);
    } catch (err) {
      if (!(err instanceof KtError) || err.code === 'MERGE_CONFLICT') throw err;
      throw new KtError(err.code, `${file.name}: ${err.message}`, { details: { ...err.details, file: file.name }, cause: err, hint: err.hint });
    }
  });

  function readFile(file: KeytabFile, f: number): void {
    const v1 = keytabVersion(file.bytes) === KEYTAB_V1;
    let recordStart = 0;
    let recordEnd = 0;
    let lastPrincipal: Principal | undefined;
    let lastName = '';
    for (const entry of readKeytabEntries(file.bytes, { record: (s, e) => ((recordStart = s), (recordEnd = e)) })) {
      if (entry.principal !== lastPrincipal) {
        lastPrincipal = entry.principal;
        lastName = formatPrincipal(entry.principal);
      }
      let byVersion = index.get(lastName);
      if (!byVersion) index.set(lastName, (byVersion = new Map()));
      const id = entry.kvno * 0x10000 + (entry.enctype & 0xffff);
      const slot = byVersion.get(id);
      const keyOffset = entry.key.byteOffset - file.bytes.byteOffset;
      if (slot === undefined) {
        byVersion.set(id, src.length);
        if (v1) encoded.set(src.length, serializeEntry(entry));
        src.push(f);
        start.push(recordStart);
        end.push(recordEnd);
        keyAt.push(keyOffset);
        keyLength.push(entry.key.length);
        continue;
      }
      const keptFile = files[src.get(slot)] as KeytabFile;
      const keptKey = keptFile.bytes.subarray(keyAt.get(slot), keyAt.get(slot) + keyLength.get(slot));
      if (bytesEqual(keptKey, entry.key)) {
        duplicates++;
        continue;
      }
      if (!options.preferLast) {
        throw new KtError('MERGE_CONFLICT', `${lastName} kvno ${entry.kvno} enctype ${entry.enctype} has different keys in ${keptFile.name} and ${file.name}`, {
          details: { principal: lastName, kvno: entry.kvno, enctype: entry.enctype, first: keptFile.name, second: file.name },
          hint: 'keep one of them with --prefer-last (the later file wins), or remove the stale entry first',
        });
      }
      replaced.push({ principal: lastName, kvno: entry.kvno, enctype: entry.enctype, from: keptFile.name, by: file.name });
      encoded.delete(slot);
      if (v1) encoded.set(slot, serializeEntry(entry));
      src.set(slot, f);
      start.set(slot, recordStart);
      end.set(slot, recordEnd);
      keyAt.set(slot, keyOffset);
      keyLength.set(slot, entry.key.length);
    }
  }

  return {
    entries: src.length,
    duplicates,
    replaced,
    *chunks() {
      yield HEADER;
      for (let i = 0; i < src.length; i++) {
        yield encoded.get(i) ?? (files[src.get(i)] as KeytabFile).bytes.subarray(start.get(i), end.get(i));
      }
    },
  };
}
