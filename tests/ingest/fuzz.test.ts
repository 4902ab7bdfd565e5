/**
 * Corrupts valid files at random (seeded, so every run makes the same cases) and checks that the
 * pipeline never crashes and still accounts for every row it read.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { load, tempWarehouse, unaccounted } from '../helpers.ts';

function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASES = [
  ['absorption_bank.csv', 'tests/fixtures/excel/absorption_keshavarzi.csv'],
  ['allocations.csv', 'tests/fixtures/bad/allocations.csv'],
  ['applications.csv', 'tests/fixtures/bad/applications.csv'],
  ['allocations.json', 'tests/fixtures/formats/json-array/allocations.json'],
  ['allocations.ndjson', 'tests/fixtures/formats/ndjson/allocations.ndjson'],
  ['allocations.txt', 'tests/fixtures/formats/utf16le-tab/allocations.txt'],
] as const;

type Mutation = (bytes: Buffer, next: () => number) => Buffer;
const at = (n: number, next: () => number) => Math.floor(next() * n);
const MUTATIONS: Record<string, Mutation> = {
  cut: (b, next) => b.subarray(0, at(b.length, next)),
  strayQuotes: (b, next) => {
    const text = b.toString('latin1').split('');
    for (let i = 0; i < 1 + at(4, next); i++) text.splice(at(text.length, next), 0, "'");
    return Buffer.from(text.join(''), 'latin1');
  },
  wrongDelimiter: (b, next) => {
    const lines = b.toString('utf8').split('\n');
    const i = at(lines.length, next);
    lines[i] = lines[i]!.replace(/,/g, next() < 0.5 ? ';' : '\t');
    return Buffer.from(lines.join('\n'));
  },
  randomBytes: (b, next) => {
    const copy = Buffer.from(b);
    for (let i = 0; i < 1 + at(8, next); i++) copy[at(copy.length, next)] = at(256, next);
    return copy;
  },
  wrongEncoding: (b, next) => (next() < 0.5 ? iconv.encode(b.toString('utf8'), 'utf-16be') : iconv.encode(b.toString('latin1'), 'windows-1256')),
  dropAndRepeatLines: (b, next) => {
    const lines = b.toString('utf8').split('\n');
    lines.splice(at(lines.length, next), 1);
    const j = at(lines.length, next);
    lines.splice(j, 0, lines[j] ?? '');
    return Buffer.from(lines.join('\n'));
  },
  nulBytes: (b, next) => Buffer.concat([b.subarray(0, at(b.length, next)), Buffer.from([0, 0]), b.subarray(at(b.length, next))]),
};

describe('fuzz: corrupted files never crash the run and lose no row', () => {
  const names = Object.keys(MUTATIONS);
  for (const batch of [1, 2, 3, 4]) {
    it(`batch ${batch}: 75 corrupted files`, async () => {
      const next = random(batch * 7919);
      const dir = join(mkdtempSync(join(tmpdir(), 'fuzz-')), `fuzz-${batch}`);
      mkdirSync(dir);
      for (let i = 0; i < 75; i++) {
        const [target, source] = BASES[at(BASES.length, next)]!;
        const mutation = names[at(names.length, next)]!;
        let bytes: Buffer = readFileSync(source);
        bytes = MUTATIONS[mutation]!(bytes, next);
        if (next() < 0.3) bytes = MUTATIONS[names[at(names.length, next)]!]!(bytes, next);
        const name = target.replace('.', `_${String(i).padStart(2, '0')}.`);
        writeFileSync(join(dir, name), bytes);
      }
      const summary = await load([dir], tempWarehouse());
      if (process.env.FUZZ_VERBOSE) {
        console.log(summary.files.map((f) => `${f.file}: ${f.error ?? `read ${f.rowsRead}, loaded ${f.rowsLoaded}, quarantined ${f.rowsQuarantined}`}`).join('\n'));
      }
      expect(summary.files).toHaveLength(75);
      expect(unaccounted(summary)).toEqual([]);
      // Every file was either read (and counted) or stopped with a one-line reason.
      for (const f of summary.files) {
        if (f.error) expect(f.error).not.toContain('\n');
        else expect(f.rowsRead).toBeGreaterThanOrEqual(0);
      }
    });
  }
});
