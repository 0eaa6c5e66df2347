import { DETECTABLE_FORMATS, describeFormats, LIST_FORMATS, type RegisteredFormat } from './registry.ts';
import type { DetectHint, ListFormat } from './types.ts';

/** Below this, a format is not recognised: the file is quarantined rather than guessed. */
const MIN_CONFIDENCE = 0.5;

/**
 * The format of a list file, from its head: the root element for XML, the first row's shape for the header-less OFAC
 * CSVs, the header row for headed CSVs. Each format scores the head (`sniff`); the key only shifts scores a little, to
 * break ties the content cannot (OFAC `sdn.csv` vs `cons_prim.csv`). Undefined when nothing scores high enough, or when
 * two formats tie at the top (ambiguity is a reason to quarantine, not to pick one). A file of a refused format (the
 * OFAC advanced or delta XML) is detected as that format, whose parse throws a report naming it.
 */
export function detectListFormat(
  hint: DetectHint,
  formats: readonly RegisteredFormat[] = DETECTABLE_FORMATS,
): ListFormat | undefined {
  let best: RegisteredFormat | undefined;
  let bestScore = 0;
  let tie = false;
  for (const f of formats) {
    const score = f.sniff(hint.head, hint.key);
    if (score > bestScore) {
      best = f;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && score > 0) tie = true;
  }
  return best && bestScore >= MIN_CONFIDENCE && !tie ? best : undefined;
}

/**
 * For a quarantine report: every format we read and how to recognise it, the current formats first (what a user
 * downloading today's files should upload), then the legacy ones.
 */
export function describeExpectedFormats(formats: readonly RegisteredFormat[] = LIST_FORMATS): string {
  return describeFormats(formats);
}
