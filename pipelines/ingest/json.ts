/**
 * Reading JSON arrays and NDJSON into string records, keeping every number exactly as written
 * (a rial figure of 17 digits would lose its last digits as a JavaScript number).
 */

/** JSON text with every number literal outside strings turned into a string literal. */
export function quoteNumbers(json: string): string {
  let out = '';
  let i = 0;
  let start = 0;
  while (i < json.length) {
    const c = json[i]!;
    if (c === '"') {
      // Skip over a string literal, honouring escapes.
      i++;
      while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(json.slice(i, i + 64));
      const literal = match ? match[0] : c;
      out += json.slice(start, i) + `"${literal}"`;
      i += literal.length;
      start = i;
    } else {
      i++;
    }
  }
  return out + json.slice(start);
}

/** A record of a JSON file: the line it starts on, its number among the file's records, its fields. */
export interface JsonRecord { line: number; record: number; values: Record<string, string | null> }
/** A record or line that cannot be read as a row, and why. */
export interface JsonReject { line: number; record: number; raw: string; problem: string }

function recordValues(value: unknown): Record<string, string | null> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const values: Record<string, string | null> = {};
  for (const [key, v] of Object.entries(value)) {
    values[key] = v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
  }
  return values;
}

/** Line number (1-based) of character offset `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Records of a JSON array: each record's line is the line its object starts on. An element that
 * is not an object is rejected; text that is not a JSON array is an error for the whole file.
 */
export function readJsonArray(text: string): { records: JsonRecord[]; rejects: JsonReject[] } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(quoteNumbers(text));
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? ` near line ${lineAt(text, Number(position[1]))}` : '';
    return { error: `it is not valid JSON${where} (${message.replace(/^.*?: /, '')})` };
  }
  if (!Array.isArray(parsed)) return { error: 'the JSON is not an array of records' };
  // Find where each top-level element starts, to give planners a line to look at.
  const starts: number[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (depth === 1) starts.push(i);
    } else if (c === '[' || c === '{') {
      if (depth === 1) starts.push(i);
      depth++;
    } else if (c === ']' || c === '}') depth--;
    else if (depth === 1 && /[-\dtfn]/.test(c) && (starts.length === 0 || /[,\[]\s*$/.test(text.slice(Math.max(0, i - 8), i)))) starts.push(i);
  }
  let line = 1;
  let offset = 0;
  const records: JsonRecord[] = [];
  const rejects: JsonReject[] = [];
  parsed.forEach((element, index) => {
    const start = starts[index] ?? offset;
    for (; offset < start; offset++) if (text.charCodeAt(offset) === 10) line++;
    const values = recordValues(element);
    const record = index + 1;
    if (values) records.push({ line, record, values });
    else rejects.push({ line, record, raw: JSON.stringify(element), problem: 'the element is not a record (an object with named fields)' });
  });
  return { records, rejects };
}

/** Records of NDJSON: one object per line; blank lines are skipped, a bad line is rejected. */
export function readNdjson(text: string): { records: JsonRecord[]; rejects: JsonReject[] } {
  const records: JsonRecord[] = [];
  const rejects: JsonReject[] = [];
  let record = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    record++;
    try {
      const values = recordValues(JSON.parse(quoteNumbers(raw)));
      if (values) records.push({ line, record, values });
      else rejects.push({ line, record, raw, problem: 'the line is not a record (an object with named fields)' });
    } catch (error) {
      rejects.push({ line, record, raw, problem: `the line is not valid JSON (${(error as Error).message.replace(/^.*?: /, '')})` });
    }
  });
  return { records, rejects };
}
