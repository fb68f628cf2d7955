import { describe, expect, it } from 'vitest';
import { startOfDay } from './ui';

describe('a date field', () => {
  it("is the start of that day in the user's time zone, not midnight UTC", () => {
    const day = new Date(Number(startOfDay('2027-01-02')));
    expect([day.getFullYear(), day.getMonth(), day.getDate(), day.getHours(), day.getMinutes()]).toEqual([2027, 0, 2, 0, 0]);
  });
});
