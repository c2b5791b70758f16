// Reading the customer lists (`<model>/persons`) in tests: the page shape, its person ids, and the
// group key of a group value as the references write it (values joined by the unit separator,
// '' for "not set", "$others" for the others group).
import { OTHERS } from '../reference/common.ts';

export type Persons = { total: number; persons: { personId: string; loginId: string | null }[] };

export const ids = (p: Persons): string[] => p.persons.map((x) => x.personId);

/** The reference's group key of a result's group value. */
export const keyOfGroup = (group: readonly (string | null)[]): string =>
  group[0] === OTHERS ? OTHERS : group.map((v) => v ?? '').join('\u001f');

/** The result's group value of a reference group key, one entry per group-by. */
export const groupOfKey = (key: string, groupBy: readonly unknown[]): (string | null)[] =>
  key === OTHERS ? groupBy.map(() => OTHERS) : key.split('\u001f').map((v) => (v === '' ? null : v));
