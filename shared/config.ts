import { z } from 'zod';

const Env = z.object({
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  /** Set in the sandbox and on LocalStack; on AWS the SDK's defaults apply. */
  AWS_ENDPOINT_URL: z.string().url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Largest object an ingest reads (bytes). */
  MAX_OBJECT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  MAX_ARTICLE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  /** A new full list version smaller than this fraction of the current one is quarantined unless forced. */
  SHRINK_GUARD: z.coerce.number().min(0).max(1).default(0.5),
});
export type Config = z.infer<typeof Env>;

/** The query function's part: it reads the table only (design §3), so it is given no bucket and no ingest limits. */
const QueryEnv = Env.pick({ TABLE_NAME: true, AWS_ENDPOINT_URL: true, AWS_REGION: true });
export type QueryConfig = z.infer<typeof QueryEnv>;

function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const r = schema.safeParse(env);
  if (!r.success)
    throw new Error(`configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** Parsed once at cold start; fails fast with the names of what is missing. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => parseEnv(Env, env);
export const loadQueryConfig = (env: NodeJS.ProcessEnv = process.env): QueryConfig => parseEnv(QueryEnv, env);
