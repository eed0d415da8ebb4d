/**
 * The hook's Lambda archive (hook-build/zip.ts): a ZIP whose bytes depend only on the names and
 * contents of its files, so the same code gives the same archive on every machine and in every time zone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { transformSync } from '@swc/core';
import { createZip } from '../hook-build/zip';

const DATA = Buffer.from('exports.handler = async () => 1;\n'.repeat(20));

/** The local file header and data of the archive's first entry. */
function firstEntry(zip: Buffer) {
  const nameLength = zip.readUInt16LE(26);
  const extraLength = zip.readUInt16LE(28);
  const compressedSize = zip.readUInt32LE(18);
  const dataStart = 30 + nameLength + extraLength;
  return {
    signature: zip.readUInt32LE(0),
    method: zip.readUInt16LE(8),
    dosTime: zip.readUInt16LE(10),
    dosDate: zip.readUInt16LE(12),
    name: zip.subarray(30, 30 + nameLength).toString('utf8'),
    extraLength,
    data: inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize)),
  };
}

/** The central directory record of the first entry: who made it and the Unix mode. */
function centralRecord(zip: Buffer) {
  const end = zip.subarray(zip.length - 22);
  const central = zip.subarray(end.readUInt32LE(16));
  return { signature: central.readUInt32LE(0), madeBy: central.readUInt16LE(4) >> 8, mode: central.readUInt32LE(38) >>> 16, entries: end.readUInt16LE(10) };
}

describe('createZip', () => {
  test('stores each entry deflated under its name, with the fixed 1980-01-01 00:00 timestamp and no extra field', () => {
    const entry = firstEntry(createZip([{ name: 'index.js', data: DATA }]));
    expect(entry).toEqual({ signature: 0x04034b50, method: 8, dosTime: 0, dosDate: (0 << 9) | (1 << 5) | 1, name: 'index.js', extraLength: 0, data: DATA });
  });

  test('records a Unix origin and the mode -rw-r--r--, and one entry per file in the end record', () => {
    expect(centralRecord(createZip([{ name: 'index.js', data: DATA }]))).toEqual({ signature: 0x02014b50, madeBy: 3, mode: 0o100644, entries: 1 });
    expect(centralRecord(createZip([{ name: 'a.js', data: DATA }, { name: 'b.js', data: Buffer.from('b') }])).entries).toBe(2);
  });

  test('gives the same bytes for the same input, and different bytes for different contents', () => {
    const a = createZip([{ name: 'index.js', data: DATA }]);
    expect(createZip([{ name: 'index.js', data: Buffer.from(DATA) }]).equals(a)).toBe(true);
    expect(createZip([{ name: 'index.js', data: Buffer.concat([DATA, Buffer.from('\n')]) }]).equals(a)).toBe(false);
  });

  test('gives the same bytes in every time zone', () => {
    // One process for the three zones: Node applies a new process.env.TZ at once, and the module is
    // loaded afresh in each zone (its fixed timestamp is made from local fields when it loads). Each
    // zone's UTC offset is reported too, to show the zone really changed. A plain node runs zip.ts as jest
    // compiles it (swc; its one import, fflate, is JavaScript), where the tsx CLI took 0.45 CPU-s in two
    // processes.
    const file = join(__dirname, '..', 'hook-build', 'zip.ts');
    const compiled = transformSync(readFileSync(file, 'utf8'), { filename: 'zip.ts', jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }).code;
    const zip = JSON.stringify(file);
    const script = [
      "require.extensions['.ts'] = (module, filename) => module._compile(process.env.ZIP_JS, filename);",
      'const out = [];',
      "for (const tz of ['UTC', 'Pacific/Kiritimati', 'America/Adak']) {",
      '  process.env.TZ = tz;',
      `  delete require.cache[require.resolve(${zip})];`,
      `  const { createZip } = require(${zip});`,
      "  out.push({ offset: new Date(1980, 0, 1).getTimezoneOffset(), hex: createZip([{ name: 'index.js', data: Buffer.from('x') }]).toString('hex') });",
      '}',
      'process.stdout.write(JSON.stringify(out));',
    ].join('\n');
    const zones = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ZIP_JS: compiled } })) as Array<{ offset: number; hex: string }>;
    // Three different offsets on the archive's 1980-01-01 (the zones' rules of that year).
    expect(new Set(zones.map((z) => z.offset)).size).toBe(3);
    expect(new Set(zones.map((z) => z.hex)).size).toBe(1);
    expect(zones[0]!.hex).toBe(createZip([{ name: 'index.js', data: Buffer.from('x') }]).toString('hex'));
  });
});
