/** A name in both interface languages. Chinese is the default; English is the switch. */
export interface Label {
  zh: string;
  en: string;
}

/** Turns a `{ value: Label }` table into the list a select box wants. */
export function options<K extends string>(table: Record<K, Label>): { value: K; label: Label }[] {
  return (Object.keys(table) as K[]).map((value) => ({ value, label: table[value] }));
}
