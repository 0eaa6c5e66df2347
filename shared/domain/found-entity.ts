import type { MentionKind } from './model.ts';

/**
 * An entity an extractor found in a text. In a module of its own (it imports only a type of the model) because both
 * the analysis (article.ts) and the linking (link.ts) use it, and article.ts imports link.ts: declaring it in either
 * made a cycle.
 */
export interface FoundEntity {
  name: string;
  key: string;
  kind: MentionKind;
  country?: string;
  count: number;
  /** Every form the text used for it ("Antony Blinken", "Blinken"). */
  surfaces?: string[];
}
