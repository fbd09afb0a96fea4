import { createInflateRaw } from 'node:zlib';
import { FileRefusal, sizeText } from './refusal.js';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 5_000;
/** Inflated this much at a time on the thread pool: each piece costs the event loop a copy of 64 KB. */
const CHUNK = 64 * 1024;

class TooLarge extends Error {}

/**
 * Inflates one part on libuv's thread pool, piece by piece, into a buffer of its declared size (grown only for a part
 * that lies about it), so no large copy or concatenation holds up the event loop. `keep` false: only counted.
 * Throws TooLarge past `budget` bytes.
 */
async function inflatePart(data: Buffer, declared: number, budget: number, keep: boolean): Promise<{ size: number; content: Buffer | null }> {
  let target = keep ? Buffer.allocUnsafe(Math.max(1, Math.min(declared, budget))) : null;
  let size = 0;
  const stream = createInflateRaw({ chunkSize: CHUNK });
  stream.end(data);
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      if (size + piece.length > budget) throw new TooLarge();
      if (target) {
        if (size + piece.length > target.length) {
          const grown = Buffer.allocUnsafe(Math.min(budget, Math.max(target.length * 2, size + piece.length)));
          target.copy(grown, 0, 0, size);
          target = grown;
        }
        piece.copy(target, size);
      }
      size += piece.length;
    }
  } finally {
    stream.destroy();
  }
  return { size, content: target ? target.subarray(0, size) : null };
}

/**
 * Checks that an upload is an .xlsx package that is safe to hand to the spreadsheet library: a zip archive
 * (not a legacy .xls or anything else) with the parts of a workbook, whose parts really inflate to no more than
 * `maxUnzippedBytes` in total. The declared sizes in the directory are checked first, then every part is
 * inflated with a hard output cap, so an archive that lies about its sizes is caught as well.
 * Returns the inflated XML parts (the cell reader works on them; nothing is inflated twice): together no more than
 * the unzipped limit. Parts are inflated on libuv's thread pool, so the server goes on answering meanwhile.
 */
export async function inspectXlsx(file: Buffer, maxUnzippedBytes: number): Promise<Map<string, Buffer>> {
  if (file.length >= 8 && file.readUInt32BE(0) === 0xd0cf11e0) {
    throw new FileRefusal(415, '这是旧版 Excel 97-2003（.xls）文件或加密文件：请在 Excel/WPS 中“另存为” .xlsx 格式后再上传。', 'file_type');
  }
  if (file.length < 22 || file.readUInt32LE(0) !== LOCAL) {
    throw new FileRefusal(415, '文件不是有效的 .xlsx 工作簿：请上传从平台下载的模板（Excel、WPS 或 LibreOffice 保存为 .xlsx 格式）。', 'file_type');
  }
  const damaged = () => new FileRefusal(400, '文件已损坏，无法读取：请重新保存为 .xlsx 后再上传。', 'damaged');

  let end = -1;
  for (let i = file.length - 22; i >= Math.max(0, file.length - 22 - 0xffff); i--) {
    if (file.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) throw damaged();
  const count = file.readUInt16LE(end + 10);
  const directoryOffset = file.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new FileRefusal(400, '文件结构异常（ZIP64），不像是电子表格，已拒绝。', 'zip_bomb');
  if (count > MAX_ENTRIES) throw new FileRefusal(400, `文件包含${count}个部件，远超正常工作簿，已拒绝。`, 'zip_bomb');

  const entries: { name: string; method: number; compressed: number; size: number; local: number }[] = [];
  let declared = 0;
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > file.length || file.readUInt32LE(at) !== CENTRAL) throw damaged();
    const nameLength = file.readUInt16LE(at + 28);
    const entry = {
      method: file.readUInt16LE(at + 10),
      compressed: file.readUInt32LE(at + 20),
      size: file.readUInt32LE(at + 24),
      local: file.readUInt32LE(at + 42),
      name: file.toString('utf8', at + 46, at + 46 + nameLength),
    };
    declared += entry.size;
    entries.push(entry);
    at += 46 + nameLength + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
  }
  const tooBig = () =>
    new FileRefusal(413, `文件解压后超过${sizeText(maxUnzippedBytes)}（疑似压缩炸弹或异常大的工作簿），已拒绝。请删除多余的工作表、图片后再上传。`, 'zip_bomb');
  if (declared > maxUnzippedBytes) throw tooBig();
  const names = new Set(entries.map((e) => e.name));
  if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) {
    throw new FileRefusal(415, '文件不是 Excel 工作簿（.xlsx）：可能是 Word 文档或其他压缩包，请上传从平台下载的模板。', 'file_type');
  }

  let inflated = 0;
  const parts = new Map<string, Buffer>();
  for (const entry of entries) {
    const local = entry.local;
    if (local + 30 > file.length || file.readUInt32LE(local) !== LOCAL) throw damaged();
    const start = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28);
    const data = file.subarray(start, start + entry.compressed);
    if (data.length !== entry.compressed) throw damaged();
    const budget = maxUnzippedBytes - inflated;
    const keep = /\.(xml|rels)$/i.test(entry.name);
    let content: Buffer | null;
    let size: number;
    if (entry.method === 0) {
      content = data;
      size = data.length;
    } else if (entry.method === 8) {
      try {
        ({ content, size } = await inflatePart(data, entry.size, budget, keep));
      } catch (error) {
        if (error instanceof TooLarge) throw tooBig();
        throw damaged();
      }
    } else {
      throw new FileRefusal(415, `文件使用了不支持的压缩方式（${entry.method}），请用 Excel、WPS 或 LibreOffice 重新保存为 .xlsx。`, 'file_type');
    }
    inflated += size;
    if (inflated > maxUnzippedBytes) throw tooBig();
    if (keep && content) parts.set(entry.name, content);
  }
  return parts;
}
