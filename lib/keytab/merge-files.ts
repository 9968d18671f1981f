/**
 * Merging keytab files record by record, for large inputs. Same rules as mergeEntries (an
 * identical entry once, a different key for the same principal/kvno/enctype a conflict), but
 * nothing is kept per entry besides a few integers: the output is the inputs' own record
 * bytes, copied. Memory stays near the size of the inputs.
 */
import { equalAt } from '../bytes.js';
import { KtError } from '../errors.js';
import { formatPrincipal } from '../principal.js';
import type { Principal } from '../principal.js';
import { entryOf, newReadState, principalOf, scanKeytabRecords } from './decode.js';
import { serializeEntry } from './encode.js';
import { KEYTAB_V2 } from './types.js';

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
    const state = newReadState();
    let lastPrincipal: Principal | undefined;
    let lastName = '';
    for (const view of scanKeytabRecords(file.bytes)) {
      const principal = principalOf(view, state);
      if (principal !== lastPrincipal) {
        lastPrincipal = principal;
        lastName = formatPrincipal(principal);
      }
      let byVersion = index.get(lastName);
      if (!byVersion) index.set(lastName, (byVersion = new Map()));
      const id = view.kvno * 0x10000 + (view.enctype & 0xffff);
      const slot = byVersion.get(id);
      if (slot === undefined) {
        byVersion.set(id, src.length);
        // v1 records are in another byte order: they are re-encoded, not copied.
        if (view.v1) encoded.set(src.length, serializeEntry(entryOf(view, state)));
        src.push(f);
        start.push(view.offset);
        end.push(view.end);
        keyAt.push(view.keyStart);
        keyLength.push(view.keyLength);
        continue;
      }
      const kept = files[src.get(slot)] as KeytabFile;
      if (keyLength.get(slot) === view.keyLength && equalAt(kept.bytes, keyAt.get(slot), file.bytes, view.keyStart, view.keyLength)) {
        duplicates++;
        continue;
      }
      if (!options.preferLast) {
        throw new KtError('MERGE_CONFLICT', `${lastName} kvno ${view.kvno} enctype ${view.enctype} has different keys in ${kept.name} and ${file.name}`, {
          details: { principal: lastName, kvno: view.kvno, enctype: view.enctype, first: kept.name, second: file.name },
          hint: 'keep one of them with --prefer-last (the later file wins), or remove the stale entry first',
        });
      }
      replaced.push({ principal: lastName, kvno: view.kvno, enctype: view.enctype, from: kept.name, by: file.name });
      encoded.delete(slot);
      if (view.v1) encoded.set(slot, serializeEntry(entryOf(view, state)));
      src.set(slot, f);
      start.set(slot, view.offset);
      end.set(slot, view.end);
      keyAt.set(slot, view.keyStart);
      keyLength.set(slot, view.keyLength);
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
