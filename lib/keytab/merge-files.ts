/**
 * Merging keytab files record by record, for large inputs. Same rules as mergeEntries (an
 * identical entry once, a different key for the same principal/kvno/enctype a conflict), but
 * nothing is kept per entry besides a few integers and its key: the output is the inputs' own
 * record bytes, copied.
 *
 * The inputs are read once and held; per kept entry the index holds a few integers. (Reading
 * each input twice, index then copy, to hold one at a time measured worse: the first pass's
 * buffers outlive it until the garbage collector runs.)
 */
import { equalAt } from '../bytes.js';
import { KtError } from '../errors.js';
import { formatPrincipal } from '../principal.js';
import { entryOf, nameKeyOf, newReadState, principalOf, recordCursor } from './decode.js';
import { serializeEntry } from './encode.js';
import { mergeConflict } from './ops.js';
import { KEYTAB_V2 } from './types.js';

export interface KeytabFile {
  /** For messages: usually the path. */
  readonly name: string;
  /** The file's bytes (called once). */
  read(): Uint8Array;
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

export function mergeKeytabFiles(
  files: readonly KeytabFile[],
  options: { preferLast?: boolean } = {},
): FileMergeResult {
  // Per kept entry (a "slot"): its file, where its record is, and where its key is kept.
  const src = new IntColumn();
  const start = new IntColumn();
  const end = new IntColumn();
  const keyAt = new IntColumn();
  const keyLength = new IntColumn();
  // For a slot whose key came from a later file (--prefer-last): that file's bytes.
  const replacedKeys = new Map<number, Uint8Array>();
  // Records not copied from their first file in pass 2: v1 records (re-encoded as v2) and
  // records that replaced an earlier file's (--prefer-last), kept as bytes now.
  const encoded = new Map<number, Uint8Array>();
  // principal -> (kvno, enctype) -> slot. A principal has a handful of keys: a flat
  // [id, slot, id, slot, ...] array until it has many, then a Map.
  const index = new Map<string, number[] | Map<number, number>>();
  const lookup = (key: string, id: number): number | undefined => {
    const ids = index.get(key);
    if (ids === undefined) return undefined;
    if (ids instanceof Map) return ids.get(id);
    for (let i = 0; i < ids.length; i += 2) if (ids[i] === id) return ids[i + 1];
    return undefined;
  };
  const insert = (key: string, id: number, slot: number): void => {
    const ids = index.get(key);
    if (ids === undefined) index.set(key, [id, slot]);
    else if (ids instanceof Map) ids.set(id, slot);
    else if (ids.length < 64) ids.push(id, slot);
    else {
      const map = new Map<number, number>();
      for (let i = 0; i < ids.length; i += 2) map.set(ids[i] as number, ids[i + 1] as number);
      map.set(id, slot);
      index.set(key, map);
    }
  };
  const replaced: ReplacedEntry[] = [];
  let duplicates = 0;

  const held: Uint8Array[] = [];
  const indexFile = (file: KeytabFile, f: number): void => {
    const bytes = file.read();
    held[f] = bytes;
    const state = newReadState();
    const cursor = recordCursor(bytes);
    const view = cursor.view;
    // Names are decoded only for messages; the index uses their bytes.
    const name = (): string => formatPrincipal(principalOf(view, state));
    while (cursor.next()) {
      const key = nameKeyOf(view, state);
      const id = view.kvno * 0x10000 + (view.enctype & 0xffff);
      const slot = lookup(key, id);
      if (slot === undefined) {
        insert(key, id, src.length);
        // v1 records are in another byte order: they are re-encoded, not copied.
        if (view.v1) encoded.set(src.length, serializeEntry(entryOf(view, state)));
        src.push(f);
        start.push(view.offset);
        end.push(view.end);
        keyAt.push(view.keyStart);
        keyLength.push(view.keyLength);
        continue;
      }
      const keptBytes = replacedKeys.get(slot) ?? (held[src.get(slot)] as Uint8Array);
      if (
        keyLength.get(slot) === view.keyLength &&
        equalAt(keptBytes, keyAt.get(slot), bytes, view.keyStart, view.keyLength)
      ) {
        duplicates++;
        continue;
      }
      const kept = files[src.get(slot)] as KeytabFile;
      if (!options.preferLast) {
        throw mergeConflict(name(), view.kvno, view.enctype, kept.name, file.name);
      }
      replaced.push({
        principal: name(),
        kvno: view.kvno,
        enctype: view.enctype,
        from: kept.name,
        by: file.name,
      });
      // The later key takes the earlier entry's place.
      encoded.set(
        slot,
        view.v1 ? serializeEntry(entryOf(view, state)) : bytes.subarray(view.offset, view.end),
      );
      replacedKeys.set(slot, bytes);
      keyAt.set(slot, view.keyStart);
      keyLength.set(slot, view.keyLength);
    }
  };

  files.forEach((file, f) => {
    try {
      indexFile(file, f);
    } catch (err) {
      if (!(err instanceof KtError) || err.code === 'MERGE_CONFLICT') throw err;
      throw new KtError(err.code, `${file.name}: ${err.message}`, {
        details: { ...err.details, file: file.name },
        cause: err,
        hint: err.hint,
        remedy: err.remedy,
      });
    }
  });

  return {
    entries: src.length,
    duplicates,
    replaced,
    *chunks() {
      yield HEADER;
      // Runs of records that follow each other in the same input go out as one piece.
      let file = -1;
      let bytes: Uint8Array = new Uint8Array(0);
      let from = 0;
      let to = 0;
      for (let i = 0; i < src.length; i++) {
        const own = encoded.get(i);
        if (own === undefined && src.get(i) === file && start.get(i) === to) {
          to = end.get(i);
          continue;
        }
        if (to > from) yield bytes.subarray(from, to);
        from = to = 0;
        if (own !== undefined) {
          yield own;
          continue;
        }
        if (src.get(i) !== file) {
          file = src.get(i);
          bytes = held[file] as Uint8Array;
        }
        from = start.get(i);
        to = end.get(i);
      }
      if (to > from) yield bytes.subarray(from, to);
    },
  };
}
