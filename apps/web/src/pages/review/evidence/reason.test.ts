import { describe, expect, it } from 'vitest';
import { withFileLines } from './reason';

const A = '佐证材料“保单.pdf”（食品安全责任险）有误，请更换。';
const B = '佐证材料“植树.jpg”（绿色校园）有误，请更换。';

describe('naming wrong files in a return reason', () => {
  it('puts the ticked files first and keeps what the officer wrote', () => {
    expect(withFileLines('照片模糊，请补拍。', [A, B], [B])).toBe(`${B}\n照片模糊，请补拍。`);
    expect(withFileLines(`${B}\n照片模糊，请补拍。`, [A, B], [A, B])).toBe(`${A}\n${B}\n照片模糊，请补拍。`);
  });

  it('takes a file out when it is unticked, and leaves no empty reason behind', () => {
    expect(withFileLines(`${A}\n${B}\n照片模糊，请补拍。`, [A, B], [A])).toBe(`${A}\n照片模糊，请补拍。`);
    expect(withFileLines(A, [A, B], [])).toBe('');
  });

  it('keeps a line the officer edited (it no longer names the file the same way)', () => {
    const edited = `${A.replace('请更换', '请补充缴费凭证')}`;
    expect(withFileLines(edited, [A, B], [B])).toBe(`${B}\n${edited}`);
  });
});
