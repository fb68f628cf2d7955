import { describe, expect, it } from 'vitest';
import { answerWords } from './Investigations';

describe("an investigation's state in words", () => {
  it("says the manufacturer's answer, or that it is awaited or overdue", () => {
    expect(answerWords(true, false)).toBe('the manufacturer says authentic');
    expect(answerWords(false, true)).toBe('the manufacturer says not its product');
    expect(answerWords(undefined, false)).toBe('awaiting the manufacturer');
    expect(answerWords(undefined, true)).toBe('no answer: overdue');
  });
});
