import { describe, expect, it } from 'vitest';
import { planChoices } from './plans';
import type { IndexedEvent } from './indexer';

const event = (plan: unknown, time_ms: number | null): IndexedEvent => ({
  block: 1,
  index: 0,
  contract: 'claims_adjudication',
  name: 'MemberEnrolled',
  fields: { plan, member: '5M' },
  time_ms,
});

describe('plans to pick', () => {
  it('are the plans the events name, newest first, each once (a member enrolled twice in a plan)', () => {
    const choices = planChoices([event(7, null), event(3, null), event(7, null)], 'enrolled');
    expect(choices).toEqual([
      { value: '7', label: 'Plan 7' },
      { value: '3', label: 'Plan 3' },
    ]);
  });

  it('say since when, and skip an event without a plan', () => {
    const [choice, ...rest] = planChoices([event(2, Date.UTC(2026, 11, 7)), event(undefined, null)], 'created');
    expect(choice.value).toBe('2');
    expect(choice.label).toMatch(/^Plan 2, created .*2026/);
    expect(rest).toEqual([]);
  });
});
