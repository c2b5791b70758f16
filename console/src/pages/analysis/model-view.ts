// What each analysis page supplies to the shared page frame: a default query, the form fields
// particular to the model, and how to draw its result (chart + table). The frame owns the date
// range, granularity, filters, group-by, running, cancelling, saving and the URL.
import type { ReactNode } from 'react';

export type Query = Record<string, unknown>;

/** The same analysis over the comparison period (see comparison.ts), once it has answered. */
export interface PreviousPeriod {
  readonly result: unknown;
  readonly from: string;
  readonly to: string;
}

/** What a model's Result draws from. compact: drawn on a dashboard card (secondary tables left
 *  out); previous: the comparison period's answer, when one is chosen and has arrived. */
export interface ResultProps {
  readonly query: Query;
  readonly result: unknown;
  readonly compact?: boolean;
  readonly previous?: PreviousPeriod;
}

export interface ModelView {
  /** Model-specific parts of a fresh query (the frame adds appId, dates, time zone). */
  defaults(): Query;
  /** Which common controls apply (all true by default). `compare` is the API's own previous-period
   *  option (event analysis); without it the page offers a comparison period run as a second query. */
  readonly common?: { granularity?: boolean; groupBy?: boolean; filters?: boolean; compare?: boolean };
  /** Property sources the global filters may use (both by default). */
  readonly filterSources?: ReadonlyArray<'event' | 'user'>;
  Form?: (props: { query: Query; setQuery: (q: Query) => void }) => ReactNode;
  Result: (props: ResultProps) => ReactNode;
  isEmpty?(result: unknown): boolean;
}
