/**
 * The hook's Lambda archive: a byte-reproducible ZIP (deflate, fixed timestamp and mode), written with
 * `fflate`.
 *
 * Why not cdktf's `AssetType.ARCHIVE`: it zips in a child `node` process per asset (about 300 ms per
 * stack on a 2-core machine, most of the synth time) and records each file's modification time, so
 * the same code gives different archive bytes on different machines. Here the bytes depend only on
 * the file names and contents. Why fflate rather than our own writer: it is a small, dependency-free,
 * widely used library whose output depends only on its input once `mtime`, `os` and `attrs` are
 * fixed (its deflate is deterministic pure JavaScript), which is all reproducibility needs.
 * No cdktf imports.
 */
import { zipSync, type Zippable } from 'fflate';

/** One file of the archive. */
export interface ZipEntry {
  /** Path inside the archive, with `/` separators. */
  readonly name: string;
  readonly data: Buffer;
}

/**
 * 1980-01-01 00:00:00, the earliest DOS date. fflate reads a Date's local fields, so building it from
 * local fields gives the same DOS timestamp in every time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
/** Made by Unix (APPNOTE 4.4.2.2), so the external attributes carry the mode `-rw-r--r--`. */
const UNIX = 3;
const UNIX_FILE_MODE = 0o100644;

/** Builds a ZIP archive of the entries, in the order given; the same entries always give the same bytes. */
export function createZip(entries: readonly ZipEntry[]): Buffer {
  const files: Zippable = {};
  for (const entry of entries) {
    files[entry.name] = [new Uint8Array(entry.data), { level: 9, mtime: FIXED_MTIME, os: UNIX, attrs: (UNIX_FILE_MODE << 16) >>> 0 }];
  }
  return Buffer.from(zipSync(files));
}
