// One benchmark query: which model, and its body over the generated data's app and range.
export interface BenchRange {
  readonly appId: string;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
}

export interface BenchCase {
  /** Key in the JSON figures (usually the model name). */
  readonly name: string;
  /** POST /v1/analysis/<model>. */
  readonly model: string;
  body(range: BenchRange): Record<string, unknown>;
}
