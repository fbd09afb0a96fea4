import { describe, expect, it } from 'vitest';
import { keptEditsKey, readKeptEdits, writeKeptEdits, type KeptStorage } from './keptEdits';
import { noEdits, recordEdit } from './pendingEdits';

function memoryStorage(): KeptStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

const edits = recordEdit(recordEdit(noEdits(7), 'values', 'students_enrolled', 300, '321'), 'explanations', 'staff_count', null, '调入一名教师');

describe('edits kept on this device', () => {
  it('survive a reload: what is written is read back, per user, school and quarter', () => {
    const storage = memoryStorage();
    const key = keptEditsKey(3, 12, '2026Q1');
    expect(writeKeptEdits(storage, key, edits)).toBe(true);
    expect(readKeptEdits(storage, key)).toEqual(edits);
    expect(readKeptEdits(storage, keptEditsKey(4, 12, '2026Q1'))).toBeNull();
    expect(readKeptEdits(storage, keptEditsKey(3, 12, '2026Q2'))).toBeNull();
  });

  it('are cleared once nothing is pending', () => {
    const storage = memoryStorage();
    const key = keptEditsKey(3, 12, '2026Q1');
    writeKeptEdits(storage, key, edits);
    writeKeptEdits(storage, key, noEdits(8));
    expect(storage.items.size).toBe(0);
    expect(readKeptEdits(storage, key)).toBeNull();
  });

  it('read what is unreadable or tampered with as nothing kept', () => {
    const storage = memoryStorage();
    const key = keptEditsKey(3, 12, '2026Q1');
    for (const text of [
      '{',
      '[]',
      '{"baseVersion":"7","values":{},"explanations":{}}',
      '{"baseVersion":7,"values":{"a":{"base":1,"mine":{}}},"explanations":{}}',
    ]) {
      storage.setItem(key, text);
      expect(readKeptEdits(storage, key)).toBeNull();
    }
  });

  it('report a browser that refuses to keep them (storage full or disabled)', () => {
    const full: KeptStorage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
      removeItem: () => {},
    };
    expect(writeKeptEdits(full, 'k', edits)).toBe(false);
    expect(writeKeptEdits(undefined, 'k', edits)).toBe(false);
  });
});
