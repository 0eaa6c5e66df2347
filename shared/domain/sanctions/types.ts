import type { ListedEntity, ListId } from '../model.ts';

/**
 * What every list parser yields, streaming: one distinct listed entity, a rejection of one record (with where and why),
 * an enrichment of an entity defined in another file of the same list (OFAC `add.csv`, `alt.csv`, `sdn_comments.csv`),
 * or, in a delta file only, the deletion of an entity (an ADD or MOD is an `entity`: it replaces the whole entity).
 */
export type ParsedRecord =
  | { kind: 'entity'; entity: ListedEntity }
  | { kind: 'enrich'; sourceId: string; patch: EntityPatch }
  | { kind: 'reject'; where: string; reason: string }
  /** A delta file (role `delta`, OpenSanctions `{"op":"DEL"}`) removes this entity from the list's current version. */
  | { kind: 'delete'; sourceId: string };

/** Fields an enrichment adds to an entity (merged, deduped, by the ingest). */
export interface EntityPatch {
  aliases?: string[];
  weakAliases?: string[];
  countries?: ListedEntity['countries'];
  programs?: string[];
  identifiers?: ListedEntity['identifiers'];
  listedOn?: string;
}

/** What the parser learnt about the file as a whole. */
export interface FileSummary {
  /** The count the file declares for itself (OFAC XML `Record_Count`), checked by the ingest for completeness. */
  declaredCount?: number;
  /** Publication date the file declares (`Publish_Date`, `dateGenerated`, `generationDate` …), ISO. */
  publishedAt?: string;
}

/**
 * Every format we read. `role` says whether a file is a whole list (`full`: replaces the list atomically), a part that
 * enriches entities of a full file of the same list (`part`), or a delta applied to the current version (`delta`).
 */
export interface ListFormat {
  /** e.g. `us-ofac-sdn-csv`, `us-ofac-add-csv`, `un-sc-xml`, `opensanctions-ftm` */
  id: string;
  list: ListId | ((hint: DetectHint) => ListId);
  role: 'full' | 'part' | 'delta';
  /** Parses a stream of decoded text (see shared/domain/encoding.ts `decodeStream`). */
  parse(text: AsyncIterable<string>, hint: DetectHint, summary: FileSummary): AsyncIterable<ParsedRecord>;
}

export interface DetectHint {
  /** The object key (a hint only: content decides). */
  key: string;
  /** The first decoded characters of the file (at least 8 KiB, or the whole file if smaller). */
  head: string;
}
