import type { SummarySection } from '@oversight/domain';

/** Editing helpers on the section tree; each returns a new tree (the editor's state stays immutable). */
export function mapSection(sections: readonly SummarySection[], id: string, change: (s: SummarySection) => SummarySection | null): SummarySection[] {
  return sections.flatMap((s) => {
    if (s.id === id) {
      const next = change(s);
      return next ? [next] : [];
    }
    return [{ ...s, children: mapSection(s.children, id, change) }];
  });
}

let counter = 0;
/** A fresh id for a section or paragraph the officer adds (unique within the summary). */
export function freshId(prefix: 'sec' | 'par'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export const newParagraph = () => ({ id: freshId('par'), text: '' });
export const newSection = (title: string): SummarySection => ({ id: freshId('sec'), title, paragraphs: [newParagraph()], children: [] });
