import { open, rm } from 'node:fs/promises';
import { EVIDENCE_TYPES, isEvidenceImage, type EvidenceType } from '@oversight/domain';
import { receivedFile, type EvidenceStore, type Received } from '@oversight/db';
import CFB from 'cfb';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { FileRefusal } from '../files/refusal.js';

const ACCEPTED = `可以上传：PDF、JPEG/PNG/WebP图片、Word/Excel文档（含WPS保存的doc、docx、xls、xlsx）`;

const OOXML: Record<string, EvidenceType> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

async function readRange(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const damaged = (what: string) => new FileRefusal(422, `文件已损坏或不完整（${what}），请重新导出或拍摄后再上传。`, 'damaged');

/**
 * The type of a received file, from its content (magic bytes), never from its name; a file of another type, or one
 * whose start says PDF / Office but whose end is missing (a cut-off upload), is refused with a Chinese reason.
 */
export async function evidenceTypeOf(file: Received): Promise<EvidenceType> {
  if (file.size === 0) throw new FileRefusal(400, '上传的文件是空的。', 'damaged');
  const found = await fileTypeFromFile(file.path).catch(() => undefined);
  const tail = () => readRange(file.path, Math.max(0, file.size - 66_000), Math.min(file.size, 66_000));
  switch (found?.ext) {
    case 'pdf': {
      if (!(await tail()).subarray(-1024).includes('%%EOF')) throw damaged('PDF文件缺少结尾标记');
      return 'application/pdf';
    }
    case 'jpg':
      return 'image/jpeg';
    case 'png':
      return 'image/png';
    case 'webp':
      return 'image/webp';
    case 'docx':
    case 'xlsx': {
      // The zip's end-of-central-directory record: without it the document cannot be opened.
      if (!(await tail()).includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]))) throw damaged('Office文档不完整');
      return OOXML[found!.ext]!;
    }
    case 'cfb':
      return compoundDocumentType(file);
    case undefined:
      throw new FileRefusal(415, `无法识别该文件的类型（不按扩展名判断）。${ACCEPTED}。`, 'file_type');
    default:
      throw new FileRefusal(415, `不接受该类型的文件（识别为 .${found?.ext}）。${ACCEPTED}；可执行文件、网页、脚本、SVG和压缩包一律不接受。`, 'file_type');
  }
}

/**
 * An OLE compound document is a .doc, .xls or a WPS .wps/.et (which keep Word's and Excel's streams), but also an
 * installer (.msi) or anything else: it is accepted only with a Word or Excel main stream.
 */
async function compoundDocumentType(file: Received): Promise<EvidenceType> {
  const { readFile } = await import('node:fs/promises');
  let names: string[];
  try {
    const container = CFB.read(await readFile(file.path), { type: 'buffer' });
    names = container.FullPaths.map((p) => p.replace(/\/$/, '').split('/').pop() ?? '');
  } catch {
    throw damaged('Word/Excel（doc/xls）文档无法读取');
  }
  if (names.includes('WordDocument')) return 'application/msword';
  if (names.includes('Workbook') || names.includes('Book')) return 'application/vnd.ms-excel';
  throw new FileRefusal(415, `该文件不是Word或Excel文档（可能是安装包等其他OLE格式文件）。${ACCEPTED}。`, 'file_type');
}

/**
 * A photo as it is kept: turned upright (EXIF orientation applied) and stripped of its metadata (EXIF, GPS, XMP),
 * since photos are taken in schools; re-encoded in its own format. A file that is not a readable image is refused.
 */
export async function cleanImage(store: EvidenceStore, file: Received, type: EvidenceType): Promise<Received> {
  if (!isEvidenceImage(type)) return file;
  const target = store.tempPath();
  try {
    let image = sharp(file.path, { failOn: 'error', limitInputPixels: 100_000_000 }).rotate();
    image = type === 'image/jpeg' ? image.jpeg({ quality: 90, mozjpeg: false }) : type === 'image/png' ? image.png() : image.webp({ quality: 90 });
    await image.toFile(target);
  } catch {
    await rm(target, { force: true });
    throw new FileRefusal(422, `图片已损坏或无法读取（${EVIDENCE_TYPES[type].zh}），请重新拍摄或导出后再上传。`, 'damaged');
  } finally {
    await file.discard();
  }
  return receivedFile(target);
}

/** A small JPEG of an image (320 px on its longer side), for thumbnails. */
export function thumbnail() {
  return sharp({ failOn: 'none' }).rotate().resize(320, 320, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 });
}
