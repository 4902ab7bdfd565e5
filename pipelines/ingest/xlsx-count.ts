/**
 * The sheets of an .xlsx workbook and the independent row count of one sheet (CONTRACT §5),
 * read straight from the workbook's XML parts with ./zip.ts and plain text scanning: no code is
 * shared with the exceljs reader that loads the sheet, so a row that reader loses shows as a
 * file that does not balance.
 */
import { readZipText, streamZipEntry, zipEntries } from './zip.ts';
import type { RecordCount } from './count.ts';

export interface SheetInfo {
  name: string;
  /** The sheet's XML part in the ZIP, e.g. `xl/worksheets/sheet1.xml`. */
  part: string;
  hidden: boolean;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text of an XML attribute value with its entities decoded. */
function xmlText(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return XML_ENTITIES[name] ?? whole;
  });
}

/** The attributes of every `<tag …>` element in `xml` (any namespace prefix). */
function elements(xml: string, tag: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of xml.matchAll(new RegExp(`<(?:[\\w.-]+:)?${tag}\\s([^>]*)>`, 'g'))) {
    const attributes: Record<string, string> = {};
    for (const [, key, value] of match[1]!.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) attributes[key!.replace(/^\w+:(?=id$)/, 'r:')] = xmlText(value!);
    found.push(attributes);
  }
  return found;
}

/** The sheets of the workbook at `path`, in tab order; throws a plain message when it is not a workbook. */
export function workbookSheets(path: string): SheetInfo[] {
  const entries = zipEntries(path);
  const workbook = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) throw new Error('it is a ZIP archive but not an Excel workbook (it has no xl/workbook.xml)');
  const targets = new Map(elements(readZipText(path, rels), 'Relationship').map((r) => [r.Id, r.Target ?? '']));
  return elements(readZipText(path, workbook), 'sheet').map((sheet) => {
    const target = targets.get(sheet['r:id'] ?? '') ?? '';
    const part = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
    return { name: sheet.name ?? '', part, hidden: sheet.state === 'hidden' || sheet.state === 'veryHidden' };
  });
}

const ROW_START = /<(?:[\w.-]+:)?row(?=[\s>/])/g;
const ROW_END = /<\/(?:[\w.-]+:)?row>/g;
/** A cell value element with text, or an inline string: the row holds something. */
const VALUE = /<(?:[\w.-]+:)?(?:v(?:\s[^>]*)?>[^<]|is[\s>])/;

/**
 * Counts the data records of the sheet stored in `part` below Excel row `headerRow`: every row
 * from the one after the header to the last row that holds a value, rows holding nothing
 * counted as blank (as a blank line of a CSV is).
 */
export async function countSheetRows(path: string, part: string, headerRow: number): Promise<RecordCount> {
  const entry = zipEntries(path).get(part);
  if (!entry) throw new Error(`the workbook has no part ${part}`);
  let carry = '';
  let previous = 0;
  let lastWithValue = 0;
  let withValue = 0;
  const take = (row: number, hasValue: boolean) => {
    previous = row;
    if (!hasValue || row <= headerRow) return;
    lastWithValue = Math.max(lastWithValue, row);
    withValue++;
  };
  // Latin-1 keeps one character per byte: tags are ASCII, and the bytes of Persian text never look like one.
  for await (const chunk of streamZipEntry(path, entry) as AsyncIterable<Buffer>) {
    const text = carry + chunk.toString('latin1');
    let done = 0;
    let pending = false;
    ROW_START.lastIndex = 0;
    for (let start = ROW_START.exec(text); start; start = ROW_START.exec(text)) {
      pending = true;
      const tagEnd = text.indexOf('>', start.index);
      if (tagEnd < 0) break;
      const tag = text.slice(start.index, tagEnd + 1);
      const r = /\sr\s*=\s*"(\d+)"/.exec(tag);
      const row = r ? Number(r[1]) : previous + 1;
      if (tag.endsWith('/>')) {
        take(row, false);
        done = tagEnd + 1;
        pending = false;
        continue;
      }
      ROW_END.lastIndex = tagEnd;
      const end = ROW_END.exec(text);
      if (!end) break;
      take(row, VALUE.test(text.slice(tagEnd + 1, end.index)));
      done = end.index + end[0].length;
      pending = false;
      ROW_START.lastIndex = done;
    }
    // Keep an unfinished row; otherwise only enough characters for a tag cut at the chunk's end.
    carry = pending ? text.slice(done) : text.slice(Math.max(done, text.length - 16));
  }
  const records = Math.max(0, lastWithValue - headerRow);
  return { records, blank: records - withValue, lineBreaks: 0 };
}
