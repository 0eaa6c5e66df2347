import type { CountryRole } from '../model.ts';
import { cleanText } from './entity-draft.ts';

/*
 * Identifier kinds shared by the OFAC CSV remarks and the OFAC XML `idList`, so that the same list read from either
 * format gives the same identifiers and the same country roles.
 */

/**
 * `idType`s that are not identifiers but facts OFAC files under `idList` (sanctions-formats.md §2): dropped. Matched on
 * the start of the type, case-insensitively.
 */
const PSEUDO_ID =
  /^(additional sanctions information|executive order|secondary sanctions risk|for more information|website|email|e-mail|phone|telephone|fax|former vessel flag|organization established date|organization type|target type|transactions prohibited|listing date|effective date|purchase\/sales|gender|aircraft|vessel year of build|other vessel|digital currency|alt\. digital currency|nationality of registration|ifca determination|caatsa|prohibited|equity ticker|isin)/i;

export const isPseudoId = (idType: string): boolean => PSEUDO_ID.test(cleanText(idType));

/** A stable short identifier type: `passport`, `national-id`, `registration`, `imo`, `mmsi`, `swift-bic`, `tax-id`, else a slug. */
export function normaliseIdType(idType: string): string {
  const t = cleanText(idType).toLowerCase();
  if (/passport/.test(t)) return 'passport';
  if (/^national id|^identification number|cedula|c\.u\.r\.p|d\.n\.i/.test(t)) return 'national-id';
  if (/\bimo\b|vessel registration identification/.test(t)) return 'imo';
  if (/\bmmsi\b/.test(t)) return 'mmsi';
  if (/swift|\bbic\b/.test(t)) return 'swift-bic';
  if (/tax id|r\.f\.c|\binn\b|\bnit\b/.test(t)) return 'tax-id';
  if (/registration|company number|registry|business number|license/.test(t)) return 'registration';
  return (
    t
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'id'
  );
}

/**
 * The country an identifier's issuer gives: a registration's country is where the organisation is registered; a
 * passport's, ID card's or tax number's issuing country is a country of the target but not one of the named roles (a
 * person has a tax number too), hence `other`.
 */
export const pickIdCountryRole = (type: string): CountryRole => (type === 'registration' ? 'registration' : 'other');

/** `IMO 9187629` / `9187629` → `9187629` (the number is what joins lists). */
export const extractImoNumber = (raw: string): string => /\b(\d{7})\b/.exec(raw)?.[1] ?? cleanText(raw);
