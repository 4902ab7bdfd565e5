/**
 * The independent row count's CSV reader (pipelines/ingest/count.ts) fed by hand, chunk by chunk,
 * where a file streamed from disk would split it: records, blank lines and where they stand; and
 * the copy for DuckDB that fills those blank lines (keepBlankLines), read in chunks of every size.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvRecordCounter } from '../../pipelines/ingest/count.ts';
import { keepBlankLines } from '../../pipelines/ingest/csv.ts';

/** Counts `text` fed as the chunks that `cuts` (byte offsets) make of it. */
function count(text: string, cuts: number[] = []) {
  const bytes = Buffer.from(text);
  const counter = new CsvRecordCounter(','.charCodeAt(0), 3);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    counter.push(bytes.subarray(from, cut));
    from = cut;
  }
  return counter.end();
}

describe('the CSV record count', () => {
  // Lines below the header: 0 a row, 1 a cell over two lines (lines 1–2), 3 empty, 4 an unclosed
  // quote (its line alone is the bad record), 5 spaces and a tab, 6 a row, 7 empty, 8 the last row.
  const text = '1,2,3\n4,"five\nstill five",6\n\n7,"eight,9\n \t \n10,11,12\n\n13,14,15\n';

  it('counts records and lists the blank lines by where they stand, whatever the chunks', () => {
    const expected = { records: 8, blank: 3, blankLines: [3, 5, 7], multiline: 2, lineBreaks: 1 };
    expect(count(text)).toEqual(expected);
    // Cut at every byte: inside the quoted cell, between the two halves of the file, at a line start.
    for (let cut = 1; cut < Buffer.byteLength(text); cut++) expect(count(text, [cut]), `cut at byte ${cut}`).toEqual(expected);
  });

  it('does not take the LF of a CR LF that ends a cell over two lines, cut from its CR, for a blank line', () => {
    const crlf = '1,2,3\r\n4,"five\r\nstill five",6\r\n7,8,9\r\n';
    const expected = { records: 3, blank: 0, blankLines: [], multiline: 1, lineBreaks: 2 };
    expect(count(crlf)).toEqual(expected);
    const cr = crlf.indexOf('6\r\n') + 1;
    expect(count(crlf, [cr + 1])).toEqual(expected);
    for (let cut = 1; cut < crlf.length; cut++) expect(count(crlf, [cut]), `cut at byte ${cut}`).toEqual(expected);
  });
});

describe('the copy that keeps blank lines', () => {
  it('fills the listed lines that hold nothing or only spaces and tabs, and copies every other byte, in chunks of any size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blank-lines-'));
    const source = join(dir, 'in.csv');
    // A title and an empty line above the header (lines 0–1), then the data from line 3. Listed
    // (from the data's first line): 1 spaces, 2 empty (CR LF), 3 a row the count got wrong
    // (copied as it stands), 5 a tab and a space with no line break at the end of the file.
    writeFileSync(source, 'title\n\na,b,c\n1,2,3\n   \r\n\r\n4,5,6\n7,"8",9\n\t ');
    const expected = 'title\n,,\na,b,c\n1,2,3\n,,\r\n,,\r\n4,5,6\n7,"8",9\n,,';
    for (const chunkBytes of [1, 2, 3, 5, 7, 64]) {
      const copy = join(dir, `out-${chunkBytes}.csv`);
      await keepBlankLines(source, copy, ',', 3, 3, [1, 2, 3, 5], chunkBytes);
      expect(readFileSync(copy, 'utf8'), `chunks of ${chunkBytes} bytes`).toBe(expected);
    }
  });
});
