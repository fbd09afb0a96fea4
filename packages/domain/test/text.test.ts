import { describe, expect, it } from 'vitest';
import { displayNameRule, jsonNestsDeeperThan, orgUnitInput, schoolFields, unstorableTextAt } from '../src/index.js';

describe('text the database can store', () => {
  it('accepts any text but NUL and half a surrogate pair, emoji included', () => {
    expect(unstorableTextAt({ title: '总结 😀', sections: [{ text: '<script>=HYPERLINK()' }], n: 3, ok: true, none: null })).toBeNull();
  });

  it('names where the first unstorable text is, keys included', () => {
    expect(unstorableTextAt('a\u0000b')).toBe('');
    expect(unstorableTextAt({ sections: [{ paragraphs: [{ text: 'ok' }, { text: 'x\ud800' }] }] })).toBe('sections.0.paragraphs.1.text');
    expect(unstorableTextAt({ explanations: { 'k\udc00': '说明' } })).toBe('explanations.k\udc00');
    expect(unstorableTextAt({ name: '学校\u0000', title: '\ud800' })).toBe('name');
  });
});

describe('walking deep input', () => {
  const nested = (depth: number, leaf: unknown) => {
    let value = leaf;
    for (let i = 0; i < depth; i++) value = { a: [value] };
    return value;
  };

  it('walks input nested far deeper than any call stack, and still names the path', () => {
    expect(unstorableTextAt(nested(100_000, 'ok'))).toBeNull();
    const found = unstorableTextAt(nested(3, 'x\u0000'));
    expect(found).toBe('a.0.a.0.a.0');
  });

  it('tells JSON nested past a depth from its text alone, strings and escapes skipped', () => {
    expect(jsonNestsDeeperThan('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[1,{"b":[2]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: '[[[[[[{{{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: 'say "[[[[" \\\\' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan('['.repeat(5000) + ']'.repeat(5000), 64)).toBe(true);
    expect(jsonNestsDeeperThan('[]', 0)).toBe(true);
  });
});

describe('names people read', () => {
  it('refuses zero-width characters and direction overrides in school, unit and account names, naming the field', () => {
    for (const name of ['青石县\u202e第一中学', '青石县第一\u200b中学', '青石县\ufeff第一中学']) {
      const school = schoolFields.shape.name.safeParse(name);
      expect(school.error?.issues[0]?.message).toContain('学校名称不能包含不可见字符');
      expect(orgUnitInput.shape.name.safeParse(name).error?.issues[0]?.message).toContain('单位名称不能包含不可见字符');
      expect(displayNameRule.safeParse(name).error?.issues[0]?.message).toContain('姓名不能包含不可见字符');
    }
    expect(schoolFields.shape.name.safeParse('青石县第一中学').success).toBe(true);
    expect(displayNameRule.safeParse('王小明 (Wang)').success).toBe(true);
  });
});
