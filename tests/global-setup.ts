/**
 * Every test run gets a temporary folder of its own (TMPDIR, which the test files' workers inherit),
 * removed when the run ends: the fuzz test alone makes thousands of small warehouses, which would
 * otherwise fill a developer's disk run after run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'tests-'));
  process.env.TMPDIR = folder;
  return () => rmSync(folder, { recursive: true, force: true });
}
