import {
  appendixCaptions,
  formatCell,
  outline,
  runInHeading,
  type FigureMap,
  type OutlineEntry,
  type SummaryChart,
  type SummarySection,
  type SummaryTable,
} from '@oversight/domain';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  ImageRun,
  LineRuleType,
  Packer,
  PageBreak,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IParagraphOptions,
} from 'docx';
import { chartLayout, chartSvg } from './charts.js';
import { chartPng } from './png.js';

/** What a summary document is made of (a stored summary, draft or final). */
export interface SummaryDocumentData {
  title: string;
  status: 'draft' | 'final';
  sections: SummarySection[];
  figures: FigureMap;
  tables: SummaryTable[];
  charts: SummaryChart[];
  /** Who signs it: “青石县教育局”, or the school. */
  issuer: string;
  /** The date under the signature (the finalisation date, or today for a draft). */
  date: Date;
}

/**
 * Official-document style (GB/T 9704): title in 方正小标宋 二号, body in 仿宋_GB2312 三号 with a fixed 28-point
 * line and a two-character indent, first-level headings in 黑体, second-level in 楷体_GB2312, items run in.
 * Word substitutes the nearest installed font when one of these is missing (LibreOffice: Noto CJK).
 */
const FONTS = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  latin: 'Times New Roman',
} as const;
const BODY_SIZE = 32; // half-points: 16 pt, 三号
const TITLE_SIZE = 44; // 22 pt, 二号
const TABLE_SIZE = 20; // 10 pt
const LINE = { line: 560, lineRule: LineRuleType.EXACT } as const; // 28 pt
const INDENT = { firstLine: 640 } as const; // two characters of 16 pt

const font = (eastAsia: string) => ({ ascii: FONTS.latin, hAnsi: FONTS.latin, eastAsia });
const run = (text: string, face: string = FONTS.body, options: { bold?: boolean; size?: number } = {}) =>
  new TextRun({ text, font: font(face), size: options.size ?? BODY_SIZE, bold: options.bold ?? false });

function bodyParagraph(children: TextRun[], extra: Partial<IParagraphOptions> = {}): Paragraph {
  return new Paragraph({ children, indent: INDENT, spacing: LINE, alignment: AlignmentType.JUSTIFIED, ...extra });
}

function entryParagraphs(e: OutlineEntry): Paragraph[] {
  if (e.runIn) {
    const [first, ...rest] = e.paragraphs;
    return [bodyParagraph([run(runInHeading(e), FONTS.body, { bold: true }), run(first ?? '')]), ...rest.map((p) => bodyParagraph([run(p)]))];
  }
  const heading =
    e.number || e.title
      ? [
          bodyParagraph([run(`${e.number}${e.title}`, e.depth === 0 ? FONTS.heading1 : e.depth === 1 ? FONTS.heading2 : FONTS.body, { bold: e.depth >= 2 })], {
            keepNext: true,
          }),
        ]
      : [];
  return [...heading, ...e.paragraphs.map((p) => bodyParagraph([run(p)]))];
}

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '000000' } as const;
const BORDERS = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER, insideHorizontal: BORDER, insideVertical: BORDER };

function cell(text: string, options: { header?: boolean; align?: 'left' | 'center' | 'right' } = {}): TableCell {
  const alignment = options.align === 'right' ? AlignmentType.RIGHT : options.align === 'left' ? AlignmentType.LEFT : AlignmentType.CENTER;
  return new TableCell({
    children: [new Paragraph({ alignment, children: [run(text, options.header ? FONTS.heading1 : FONTS.body, { size: TABLE_SIZE })] })],
    ...(options.header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'E7E6E6' } } : {}),
  });
}

function dataTable(table: SummaryTable): Table {
  const align = (i: number) => (table.columns[i]!.format === 'text' ? 'left' : 'right') as 'left' | 'right';
  const rows = [
    new TableRow({ tableHeader: true, children: table.columns.map((c) => cell(c.label, { header: true })) }),
    ...table.rows.map((r) => new TableRow({ children: r.map((v, i) => cell(formatCell(table.columns[i]!, v), { align: align(i) })) })),
    ...(table.total
      ? [new TableRow({ children: table.total.map((v, i) => cell(formatCell(table.columns[i]!, v), { align: align(i), header: i === 0 })) })]
      : []),
  ];
  return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE }, borders: BORDERS });
}

function caption(text: string): Paragraph {
  return new Paragraph({ children: [run(text, FONTS.heading1, { size: 28 })], spacing: { before: 240, after: 120 }, keepNext: true });
}

/** A chart as an SVG image with a PNG fallback, followed by its data as a table. */
function chartBlock(chart: SummaryChart, index: number): (Paragraph | Table)[] {
  const layout = chartLayout(chart);
  const image = new ImageRun({
    type: 'svg',
    data: Buffer.from(chartSvg(layout), 'utf8'),
    fallback: { type: 'png', data: chartPng(layout) },
    transformation: { width: 576, height: 324 },
    altText: { name: chart.title, description: `${chart.title}（${chart.unit}）`, title: chart.title },
  });
  const columns = [
    { key: 'category', label: '类别', format: 'text' as const },
    ...chart.series.map((s) => ({ key: s.name, label: `${s.name}（${chart.unit}）`, format: 'decimal' as const })),
  ];
  const table: SummaryTable = {
    id: chart.id,
    title: chart.title,
    columns,
    rows: chart.categories.map((c, i) => [c, ...chart.series.map((s) => s.values[i] ?? null)]),
  };
  // The legend in text as well: programs that show the PNG fallback get the colours named here and the
  // categories, left to right, in the table below.
  const legend = new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { after: 120 },
    children: layout.legend.flatMap((l, i) => [
      new TextRun({ text: `${i ? '　　' : ''}■ `, color: l.color.slice(1), size: TABLE_SIZE }),
      run(l.text, FONTS.body, { size: TABLE_SIZE }),
    ]),
  });
  return [
    caption(`附图${index + 1}  ${chart.title}（单位：${chart.unit}）`),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [image] }),
    legend,
    dataTable(table),
  ];
}

const dateText = (d: Date) => {
  const china = new Date(d.getTime() + 8 * 3600_000);
  return `${china.getUTCFullYear()}年${china.getUTCMonth() + 1}月${china.getUTCDate()}日`;
};

const footer = () =>
  new Footer({
    children: [
      new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: font('宋体'), size: 28 })] }),
    ],
  });

/** A4, margins as GB/T 9704 sets them (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm). */
const A4 = { width: 11906, height: 16838 };
const MARGINS = { top: 2098, bottom: 1984, left: 1588, right: 1474 };

export async function summaryDocx(data: SummaryDocumentData): Promise<Buffer> {
  const header =
    data.status === 'draft'
      ? new Header({ children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [run('草稿', FONTS.heading1, { size: 24 })] })] })
      : undefined;
  const body: (Paragraph | Table)[] = [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 560 }, children: [run(data.title, FONTS.title, { size: TITLE_SIZE })] }),
    ...outline(data.sections, data.figures).flatMap(entryParagraphs),
    new Paragraph({ spacing: { before: 560, ...LINE }, alignment: AlignmentType.RIGHT, indent: { right: 1280 }, children: [run(data.issuer)] }),
    new Paragraph({ spacing: LINE, alignment: AlignmentType.RIGHT, indent: { right: 1280 }, children: [run(dateText(data.date))] }),
  ];
  const captions = appendixCaptions(data.tables);
  const appendix: (Paragraph | Table)[] = [
    // Each table on its own page: 附件：未达到目标的学校名单 first (the schools 二、存在的问题 counts), then 附表1, 2, ….
    ...data.tables.flatMap((t, i) => [...(i > 0 ? [new Paragraph({ children: [new PageBreak()] })] : []), caption(captions[i]!), dataTable(t)]),
    ...data.charts.flatMap((c, i) => [new Paragraph({ children: [new PageBreak()] }), ...chartBlock(c, i)]),
  ];
  const doc = new Document({
    creator: '县域学校后勤督导平台',
    title: data.title,
    styles: { default: { document: { run: { font: font(FONTS.body), size: BODY_SIZE } } } },
    sections: [
      {
        properties: { page: { size: A4, margin: MARGINS } },
        ...(header ? { headers: { default: header } } : {}),
        footers: { default: footer() },
        children: body,
      },
      ...(appendix.length
        ? [
            {
              properties: { page: { size: { ...A4, orientation: PageOrientation.LANDSCAPE }, margin: { top: 1440, bottom: 1440, left: 1440, right: 1440 } } },
              ...(header ? { headers: { default: header } } : {}),
              footers: { default: footer() },
              children: appendix,
            },
          ]
        : []),
    ],
  });
  return Packer.toBuffer(doc);
}
