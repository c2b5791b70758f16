// Evaluates a metric formula such as "B/A*100" for one period: + - * / and parentheses over
// metric letters and numbers. A small recursive-descent parser instead of eval or a general
// expression library: the grammar is tiny and must not reach anything but the given values.
// Division by zero or an undefined operand gives null (shown as "-"), never Infinity.
import { ApiError } from '../../errors/catalogue.ts';

type Value = number | null;

export function evaluateFormula(expression: string, values: (letter: string) => Value, field: string): Value {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-J]|[-+*/()]/g) ?? [];
  if (tokens.join('') !== expression.replace(/\s+/g, '')) {
    throw new ApiError('VALIDATION_FAILED', `cannot read formula "${expression}"`, field);
  }
  let pos = 0;
  const fail = (): never => {
    throw new ApiError('VALIDATION_FAILED', `cannot read formula "${expression}"`, field);
  };
  const primary = (): Value => {
    const token = tokens[pos++];
    if (token === undefined) return fail();
    if (token === '(') {
      const v = sum();
      if (tokens[pos++] !== ')') fail();
      return v;
    }
    if (token === '-') {
      const v = primary();
      return v === null ? null : -v;
    }
    if (/^[A-J]$/.test(token)) return values(token);
    if (/^\d/.test(token)) return Number(token);
    return fail();
  };
  const product = (): Value => {
    let left = primary();
    while (tokens[pos] === '*' || tokens[pos] === '/') {
      const op = tokens[pos++];
      const right = primary();
      if (left === null || right === null) left = null;
      else if (op === '*') left *= right;
      else left = right === 0 ? null : left / right;
    }
    return left;
  };
  const sum = (): Value => {
    let left = product();
    while (tokens[pos] === '+' || tokens[pos] === '-') {
      const op = tokens[pos++];
      const right = product();
      left = left === null || right === null ? null : op === '+' ? left + right : left - right;
    }
    return left;
  };
  const result = sum();
  if (pos !== tokens.length) fail();
  return result;
}

/** Formulas reject letters beyond the defined metrics up front. */
export function checkFormulaLetters(expression: string, metricCount: number, field: string): void {
  for (const letter of expression.match(/[A-J]/g) ?? []) {
    if (letter.charCodeAt(0) - 65 >= metricCount) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `formula uses ${letter} but there are ${metricCount} metrics`,
        field,
      );
    }
  }
}
