/**
 * Defects that `npm run lint` must find: test/tooling/lint.test.ts lints this file with lib/'s
 * rules and expects, on each line marked `expect:`, exactly the rules named there, and nothing
 * on any other line. ESLint's own run skips this folder (eslint.config.mjs).
 */
async function later(): Promise<number> {
  return 1;
}

export function defects(value: any): number { // expect: @typescript-eslint/no-explicit-any
  later(); // expect: @typescript-eslint/no-floating-promises
  const unused = 2; // expect: @typescript-eslint/no-unused-vars
  if (value == 1) return 1; // expect: eqeqeq
  let count = 3; // expect: prefer-const
  const done = !later(); // expect: @typescript-eslint/no-misused-promises
  if (done) return 2;
  return count + (value !== value ? 1 : 0); // expect: no-self-compare
}

export async function awaitsANumber(): Promise<number> {
  return await 5; // expect: @typescript-eslint/await-thenable
}

// What the rules must leave alone: an awaited promise, a NaN test, a promise handed on.
export async function clean(values: number[]): Promise<number> {
  const first = await later();
  const n = values.filter((v) => !Number.isNaN(v)).length;
  void later();
  return first + n;
}
