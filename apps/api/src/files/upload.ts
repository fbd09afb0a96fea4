import type { FastifyRequest } from 'fastify';
import { FileRefusal, sizeText } from './refusal.js';

export interface Upload {
  file: Buffer;
  fileName: string;
  fields: Record<string, string>;
}

/** Reads a multipart upload with one file (field `file`) and a few short text fields, within the size limit. */
export async function readUpload(request: FastifyRequest, maxBytes: number): Promise<Upload> {
  if (!request.isMultipart()) throw new FileRefusal(415, '请以 multipart/form-data 方式上传文件（字段 file）。', 'file_type');
  const fields: Record<string, string> = {};
  let upload: { file: Buffer; fileName: string } | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || upload) {
          await part.toBuffer().catch(() => undefined);
          throw new FileRefusal(400, '每次只能上传一个文件，字段名为 file。', 'fields');
        }
        upload = { file: await part.toBuffer(), fileName: part.filename || '未命名.xlsx' };
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    if (error instanceof FileRefusal) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new FileRefusal(413, `文件超过${sizeText(maxBytes)}的上限，已拒绝。请删除多余的工作表或拆分后再上传。`, 'too_large');
    }
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw new FileRefusal(400, '上传内容过多：每次只能上传一个文件及导入方式（mode）。', 'fields');
    }
    throw new FileRefusal(400, '上传的数据不完整或格式有误，请重新上传。', 'damaged');
  }
  if (!upload) throw new FileRefusal(400, '没有收到文件：请在字段 file 中上传 .xlsx 工作簿。', 'fields');
  if (upload.file.length === 0) throw new FileRefusal(400, '上传的文件是空的。', 'damaged');
  return { ...upload, fields };
}
