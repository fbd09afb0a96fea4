import { crc32, deflateRawSync } from 'node:zlib';
import { columnLetter, templateIndicators } from '@oversight/domain';

/**
 * A large but legal county sheet (issue 13, "import memory"): one worksheet laid out like the county template
 * (title, Chinese header, row of system codes) followed by `rows` school rows of short shared strings and numbers,
 * as a real .xlsx package (content types, relationships, workbook, shared strings, sheet). The defaults give about
 * 9.6 MB zipped and 93 MB unzipped: inside IMPORT_MAX_MB (10) and IMPORT_MAX_UNZIPPED_MB (100), so only what
 * the server does with the content can hold it back.
 */
export function largeCountyWorkbook(options: { rows?: number; seed?: number; indicators?: number } = {}): {
  file: Buffer;
  unzippedBytes: number;
  rows: number;
} {
  const rows = options.rows ?? 262_000;
  let state = options.seed ?? 20261203;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const indicators = templateIndicators()
    .filter((i) => i.valueType === 'integer' || i.valueType === 'decimal')
    .slice(0, options.indicators ?? 6);
  const codes = ['school_code', 'school_name', 'period', ...indicators.map((i) => i.code)];
  const letters = codes.map((_, i) => columnLetter(i + 1));
  const strings: string[] = ['全县汇总表', ...codes];
  const shared = (text: string) => strings.push(text) - 1;

  const sheet: string[] = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
  ];
  sheet.push('<row r="1"><c r="A1" t="s"><v>0</v></c></row>');
  sheet.push(
    `<row r="2">${codes.map((code, i) => `<c r="${letters[i]}2" t="inlineStr"><is><t>${code === 'school_code' ? '学校标识码' : code === 'school_name' ? '学校名称' : code === 'period' ? '季度' : indicators[i - 3]!.name.zh}</t></is></c>`).join('')}</row>`,
  );
  sheet.push(`<row r="3">${codes.map((_, i) => `<c r="${letters[i]}3" t="s"><v>${i + 1}</v></c>`).join('')}</row>`);
  for (let r = 4; r < rows + 4; r++) {
    const code = String(5100000000 + r);
    const name = shared(`学校${r}`);
    const values = indicators.map((_, i) => `<c r="${letters[i + 3]}${r}"><v>${random() < 0.7 ? 100 : Math.floor(random() * 100)}</v></c>`).join('');
    sheet.push(
      `<row r="${r}"><c r="A${r}" t="s"><v>${shared(code)}</v></c><c r="B${r}" t="s"><v>${name}</v></c><c r="C${r}" t="inlineStr"><is><t>2026Q1</t></is></c>${values}</row>`,
    );
  }
  sheet.push('</sheetData></worksheet>');
  const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const sst = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t>${escapeXml(s)}</t></si>`).join('')}</sst>`;

  const parts = [
    {
      name: '[Content_Types].xml',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    },
    {
      name: 'xl/workbook.xml',
      data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="全县汇总" sheetId="1" r:id="rId1"/></sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheet.join('') },
    { name: 'xl/sharedStrings.xml', data: sst },
  ].map((p) => ({ name: p.name, data: Buffer.from(p.data) }));
  return { file: zipParts(parts), unzippedBytes: parts.reduce((n, p) => n + p.data.length, 0), rows };
}

function header(length: number, fields: [value: number, offset: number, bytes: 2 | 4][]): Buffer {
  const buffer = Buffer.alloc(length);
  for (const [value, offset, bytes] of fields) {
    if (bytes === 2) buffer.writeUInt16LE(value, offset);
    else buffer.writeUInt32LE(value, offset);
  }
  return buffer;
}

/** A zip archive (deflate) of the given parts, as a spreadsheet program writes one; `declaredSize` lies about a part's size. */
export function zipParts(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const compressed = deflateRawSync(entry.data, { level: 6 });
    const size = entry.declaredSize ?? entry.data.length;
    const crc = crc32(entry.data);
    // [value, offset, bytes] of each field of the local header and of the central directory entry.
    const local = header(30, [
      [0x04034b50, 0, 4],
      [20, 4, 2],
      [8, 8, 2],
      [crc, 14, 4],
      [compressed.length, 18, 4],
      [size, 22, 4],
      [name.length, 26, 2],
    ]);
    const central = header(46, [
      [0x02014b50, 0, 4],
      [20, 4, 2],
      [20, 6, 2],
      [8, 10, 2],
      [crc, 16, 4],
      [compressed.length, 20, 4],
      [size, 24, 4],
      [name.length, 28, 2],
      [offset, 42, 4],
    ]);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += 30 + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
