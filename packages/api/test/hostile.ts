import fc from 'fast-check';

/**
 * Hostile input for property tests (issue 8): what careless users paste and attackers send. Shared by the
 * summaries and spreadsheet-import property tests; `fc` is re-exported so packages without fast-check of their
 * own (the HTTP server's tests) use this one.
 */
export { fc };

/** Numbers no field should take as they are: NaN, infinities, -0, huge, beyond safe integers, float noise, negative. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    -0,
    1e308,
    -1e308,
    2 ** 53 + 1,
    0.1 + 0.2,
    Number.MIN_VALUE,
    -2_147_483_649,
  ),
  fc.double(),
  fc.integer({ min: -1_000_000, max: 100_000_000 }),
);

/**
 * Text that looks like something else: numbers in other writings (full-width, separators, 万, exponents), markup
 * and script, SQL fragments, spreadsheet formulas, control characters, a lone surrogate, bidi overrides, emoji.
 */
export const HOSTILE_TEXTS = [
  '１２３４',
  '１２，３４５．５',
  '1,234',
  '12,34',
  '3.5万',
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '</textarea><b>粗体</b>',
  "'; drop table summaries; --",
  "1' or '1'='1",
  '=HYPERLINK("http://x","y")',
  '=1+1',
  '+1',
  '-1',
  '@SUM(A1)',
  "=cmd|' /C calc'!A0",
  '是',
  '否',
  '',
  '   ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\u202e反转',
  '😀',
  '{{fig:nonexistent}}',
  '{{fig:',
] as const;

/** Hostile text: the fixed specimens, arbitrary strings, and arbitrary code points (control characters included). */
export const hostileText = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(...HOSTILE_TEXTS), fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }));

/** Anything a JSON client could put where one value belongs. */
export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  hostileText(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom({}, [], [1], { value: 1 }),
);

/** Whether a string can be stored in PostgreSQL text/jsonb as it is: no NUL, no unpaired surrogate. */
export const storable = (text: string): boolean => !/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
