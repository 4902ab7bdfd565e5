/**
 * A deliberately small ZIP reader (an .xlsx workbook is a ZIP of XML parts): the central
 * directory, one small part read whole, one large part streamed. It shares no code with exceljs,
 * so that the independent row count of a workbook (./xlsx-count.ts) does not trust the reader
 * that loads it.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createInflateRaw, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

/** The entries of the ZIP file at `path`, by name; throws a plain message when it is not a ZIP. */
export function zipEntries(path: string): Map<string, ZipEntry> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // The end-of-central-directory record sits in the last 22 bytes, after a comment of up to 64 KB.
    const tailStart = Math.max(0, size - 22 - 0xffff);
    const tail = readAt(fd, tailStart, size - tailStart);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) { at = i; break; }
    if (at < 0) throw new Error('the file is not a ZIP archive, as an .xlsx workbook is (it may be cut short, or another format renamed .xlsx)');
    const count = tail.readUInt16LE(at + 10);
    const directorySize = tail.readUInt32LE(at + 12);
    const directoryOffset = tail.readUInt32LE(at + 16);
    if (directoryOffset === 0xffffffff) throw new Error('it is a ZIP64 archive (over 4 GB), which is not read');
    const directory = readAt(fd, directoryOffset, directorySize);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let k = 0; k < count && p + 46 <= directory.length; k++) {
      if (directory.readUInt32LE(p) !== CENTRAL) throw new Error('its ZIP central directory is damaged');
      const nameLength = directory.readUInt16LE(p + 28);
      const extraLength = directory.readUInt16LE(p + 30);
      const commentLength = directory.readUInt16LE(p + 32);
      // Some writers (exceljs's streaming one) store part names with a leading slash.
      const name = directory.subarray(p + 46, p + 46 + nameLength).toString('utf8').replace(/^\//, '');
      entries.set(name, {
        name,
        method: directory.readUInt16LE(p + 10),
        compressedSize: directory.readUInt32LE(p + 20),
        localHeaderOffset: directory.readUInt32LE(p + 42),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** Where an entry's compressed bytes start (after its local header). */
function dataStart(fd: number, entry: ZipEntry): number {
  const header = readAt(fd, entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw new Error(`its ZIP part ${entry.name} is damaged`);
  return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** A small entry (workbook.xml, its relationships) as text. */
export function readZipText(path: string, entry: ZipEntry): string {
  const fd = openSync(path, 'r');
  try {
    const bytes = readAt(fd, dataStart(fd, entry), entry.compressedSize);
    return (entry.method === 0 ? bytes : inflateRawSync(bytes)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** A large entry (a worksheet) as a stream of its uncompressed bytes. */
export function streamZipEntry(path: string, entry: ZipEntry): NodeJS.ReadableStream {
  const fd = openSync(path, 'r');
  let start: number;
  try {
    start = dataStart(fd, entry);
  } finally {
    closeSync(fd);
  }
  const raw = createReadStream(path, { start, end: start + Math.max(entry.compressedSize, 1) - 1 });
  if (entry.method === 0) return raw;
  const inflate = createInflateRaw();
  raw.on('error', (error) => inflate.destroy(error));
  return raw.pipe(inflate);
}
