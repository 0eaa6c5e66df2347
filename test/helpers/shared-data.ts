import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The team folder beside the repository; absent in a user's clone. */
export const SHARED_DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
export const hasSharedData = existsSync(SHARED_DATA);

/** Absolute path of a file under ../shared/data. */
export const sharedData = (rel: string): string => join(SHARED_DATA, rel);

/** Reason printed by suites skipped for want of ../shared/data. */
export const SKIP_SHARED = `skipped: ${SHARED_DATA} is absent (a user's clone); these tests read the team's real files`;

if (!hasSharedData) console.warn(SKIP_SHARED);
