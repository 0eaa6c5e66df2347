import { z } from 'zod';

/** Lists we know by name; OpenSanctions datasets are `opensanctions:<dataset>`. */
export const ListId = z
  .string()
  .regex(/^(us-ofac-sdn|us-ofac-cons|us-csl|us-bis-dpl|eu-fsf|uk-hmt|uk-fcdo|un-sc|opensanctions:[a-z0-9_]+)$/);
export type ListId = z.infer<typeof ListId>;

export const EntityType = z.enum(['person', 'organization', 'vessel', 'aircraft', 'other']);
export type EntityType = z.infer<typeof EntityType>;

/** ISO 3166-1 alpha-2, upper case (XK allowed for Kosovo, as the EU and OpenSanctions use it). */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/);
export type CountryCode = z.infer<typeof CountryCode>;

export const CountryRole = z.enum([
  'nationality',
  'citizenship',
  'address',
  'birth',
  'registration',
  'flag',
  'program',
  'other',
]);
export type CountryRole = z.infer<typeof CountryRole>;

export const ListedEntitySchema = z.object({
  list: ListId,
  /** The list's own stable id: OFAC ent_num/uid, UN DATAID, EU logicalId, OFSI Group ID, FtM id. */
  sourceId: z.string().min(1).max(200),
  type: EntityType,
  name: z.string().min(1).max(1000),
  /** Strong aliases: the only ones ever matched on. */
  aliases: z.array(z.string().min(1).max(1000)).default([]),
  /** Weak / low-quality aliases: kept for display, never matched on. */
  weakAliases: z.array(z.string().min(1).max(1000)).default([]),
  /** Deduplicated by code; a code seen in several roles keeps every role. */
  countries: z.array(z.object({ code: CountryCode, roles: z.array(CountryRole).min(1) })).default([]),
  programs: z.array(z.string().min(1).max(200)).default([]),
  listedOn: z.string().optional(),
  /** IMO, passport, UN reference numbers (kept: they join lists) … */
  identifiers: z.array(z.object({ type: z.string().min(1).max(200), value: z.string().min(1).max(500) })).default([]),
});
export type ListedEntity = z.infer<typeof ListedEntitySchema>;

export const MentionKind = z.enum(['person', 'organization', 'country', 'location', 'bloc']);
export type MentionKind = z.infer<typeof MentionKind>;

export const MentionSchema = z.object({
  /** The form as it stood in the text (the longest one, for a person named in full and later by surname). */
  surface: z.string().min(1),
  /** Normalised key: `country:CN`, `person:antony blinken`, `organization:treasury` … */
  key: z.string().min(1),
  kind: MentionKind,
  country: CountryCode.optional(),
  count: z.number().int().positive(),
  /**
   * The other forms the text gives a person or organisation ("Blinken" beside "Antony Blinken"), when they are not
   * just `surface`: with `byIndex`, what a relink needs to link the extractor's reading again without running it.
   */
  surfaces: z.array(z.string()).optional(),
  /** Found by the name index alone (a long listed name the extractor missed), not by the extractor. */
  byIndex: z.literal(true).optional(),
  /** Listed entities this mention links to (name, type and countries as the list has them, for display). */
  listed: z
    .array(
      z.object({
        list: ListId,
        sourceId: z.string(),
        name: z.string().optional(),
        type: EntityType.optional(),
        countries: z.array(CountryCode).optional(),
      }),
    )
    .default([]),
});
export type Mention = z.infer<typeof MentionSchema>;

/**
 * Where an article's date came from: `meta` = the article's own metadata (HTML meta tags and JSON-LD, a JSON object's
 * date field), `front-matter` = a Markdown file's front matter, `text` = a date line at the top of its text, `key` = the
 * object key (`articles/2026-03-02-….txt`, `articles/2026/03/02/…`). Listed from the most to the least trusted.
 */
export const DATE_SOURCES = ['meta', 'front-matter', 'text', 'key'] as const;
export const DateFromSchema = z.enum(DATE_SOURCES);
export type DateFrom = z.infer<typeof DateFromSchema>;

export const ArticleSchema = z.object({
  /** Stable: hash of bucket key + content. */
  id: z.string().min(1),
  key: z.string().min(1),
  title: z.string().optional(),
  url: z.string().optional(),
  source: z.string().optional(),
  author: z.string().optional(),
  /** ISO date (YYYY-MM-DD or full timestamp). */
  publishedAt: z.string().optional(),
  /** Where `publishedAt` came from (set with it; items stored before the field existed have neither or only the date). */
  dateFrom: DateFromSchema.optional(),
  language: z.string().default('en'),
  body: z.string(),
  mentions: z.array(MentionSchema).default([]),
  /**
   * The extractor that read `mentions` (EXTRACTOR_VERSION): a proportional relink links that reading again when it is
   * the current extractor's, and runs the extractor when it is not (or the article was stored without one).
   */
  extractedBy: z.string().optional(),
});
export type Article = z.infer<typeof ArticleSchema>;
