import { describe, expect, it } from 'vitest';
import { pageOf, paramsOf } from './route';

describe("the app's address", () => {
  it('names the page with or without an item', () => {
    expect(pageOf('#/payer?claim=3')).toBe('payer');
    expect(pageOf('#/payer')).toBe('payer');
    expect(pageOf('#payer')).toBe('payer');
    expect(pageOf('')).toBeUndefined();
    expect(pageOf('#/?claim=3')).toBeUndefined();
  });

  it("reads the item's parameters, encoded or not", () => {
    expect(paramsOf('#/payer?claim=3').get('claim')).toBe('3');
    expect(paramsOf('#/patient?patient=5Grw%2Bx').get('patient')).toBe('5Grw+x');
    expect(paramsOf('#/payer').get('claim')).toBeNull();
  });
});
