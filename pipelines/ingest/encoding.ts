/**
 * Telling a file's text encoding (UTF-8 with or without BOM, UTF-16LE/BE, Windows-1256) and
 * transcoding what DuckDB cannot read into a temporary UTF-8 file.
 */
import { createReadStream, createWriteStream, openSync, readSync, closeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1256';

export const ENCODINGS: readonly Encoding[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1256'];

/** The first `bytes` bytes of a file. */
export function readHead(path: string, bytes = 256 * 1024): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Whether `bytes` are valid UTF-8, ignoring a multi-byte character cut at the end. */
function isUtf8(bytes: Buffer, complete: boolean): boolean {
  let end = bytes.length;
  if (!complete) {
    // Step back over a trailing partial character (at most 3 continuation bytes).
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (bytes[end - back - 1]! & 0xc0) === 0x80) back++;
    const lead = bytes[end - back - 1];
    if (lead !== undefined && lead >= 0xc0) end = end - back - 1;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * The encoding of a file from its first bytes, or an error in plain words when it is not text.
 * `complete` says whether `head` is the whole file.
 */
export function detectEncoding(head: Buffer, complete: boolean): { encoding: Encoding } | { error: string } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8' };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le' };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be' };
  const sample = head.subarray(0, 4096);
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) (i % 2 === 0 ? zeroEven++ : zeroOdd++);
  // UTF-16 without BOM: every other byte of ASCII text is zero.
  if (sample.length >= 8 && zeroOdd > sample.length / 4 && zeroEven === 0) return { encoding: 'utf-16le' };
  if (sample.length >= 8 && zeroEven > sample.length / 4 && zeroOdd === 0) return { encoding: 'utf-16be' };
  if (zeroEven + zeroOdd > 0) return { error: 'it is not a text file (it holds binary bytes)' };
  if (isUtf8(head, complete)) return { encoding: 'utf-8' };
  return { encoding: 'windows-1256' };
}

/** Decodes bytes of a known encoding to a string (BOM removed). */
export function decode(bytes: Buffer, encoding: Encoding): string {
  const text = encoding === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, encoding);
  return text.replace(/^\ufeff/, '');
}

/** Streams `source` in `encoding` into `target` as UTF-8 without BOM; returns bytes written. */
export async function transcodeToUtf8(source: string, target: string, encoding: Encoding): Promise<void> {
  await pipeline(
    createReadStream(source, { highWaterMark: 1 << 20 }),
    iconv.decodeStream(encoding, { stripBOM: true }),
    iconv.encodeStream('utf8'),
    createWriteStream(target),
  );
}
