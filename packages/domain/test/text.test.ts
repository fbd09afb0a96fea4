import { describe, expect, it } from 'vitest';
import { unstorableTextAt } from '../src/index.js';

describe('text the database can store', () => {
  it('accepts any text but NUL and half a surrogate pair, emoji included', () => {
    expect(unstorableTextAt({ title: '总结 😀', sections: [{ text: '<script>=HYPERLINK()' }], n: 3, ok: true, none: null })).toBeNull();
  });

  it('names where the first unstorable text is, keys included', () => {
    expect(unstorableTextAt('a\u0000b')).toBe('');
    expect(unstorableTextAt({ sections: [{ paragraphs: [{ text: 'ok' }, { text: 'x\ud800' }] }] })).toBe('sections.0.paragraphs.1.text');
    expect(unstorableTextAt({ explanations: { ['k\udc00']: '说明' } })).toBe('explanations.k\udc00');
    expect(unstorableTextAt({ name: '学校\u0000', title: '\ud800' })).toBe('name');
  });
});
