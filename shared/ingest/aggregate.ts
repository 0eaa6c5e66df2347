import { z } from 'zod';
import {
  type EntityMove,
  entityCellsOf,
  type PartChange,
  type RowMove,
  planAggregation,
  rowMovesOf,
  unappliedChanges,
} from '../domain/contribution.ts';
import { type EntityInfo, facetsOf, sameInfo } from '../domain/entity-rows.ts';
import { PART_PREFIX, padSequence } from '../domain/keys.ts';
import type { CounterAggregator } from '../ports.ts';
import { type CreatedRefileStore, refileCreatedCounters } from './refile-rows.ts';

/**
 * The counter aggregator (issue 17.1): the table's stream, one shard's batch at a time and in order, turned into
 * counter deltas. Only contribution parts count; every other record (counters, ledgers, articles…) is skipped.
 *
 * Exactly once: each object's ledger item holds the sequence number of the last of its changes applied, and moves in
 * the same transaction as the counters those changes imply, under the condition that it is still before them. A
 * redelivered batch, or a stream record delivered twice, finds its changes at or behind the checkpoint and is dropped.
 *
 * Why a checkpoint per object and not per shard: a Lambda DynamoDB-stream event does not say which shard it came
 * from, but every change of one partition key is in one shard, in order, and an object's parts and ledger share
 * its partition key. The ledger is also where "parts applied" is counted, which `/ingests/{key}` needs (17.3).
 */

/** A stream record as the handler passes it on: images unmarshalled, sequence number as delivered. */
export interface StreamChange {
  eventName?: string;
  sequenceNumber: string;
  keys: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

const PartImage = z.object({
  pk: z.string(),
  sk: z.string().startsWith(PART_PREFIX),
  gen: z.string(),
  cells: z.record(z.string(), z.tuple([z.number(), z.number()])),
  info: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))).default({}),
});

const isPart = (keys: Record<string, unknown>) => typeof keys.sk === 'string' && keys.sk.startsWith(PART_PREFIX);

/** The part changes among stream records (pure; exported for tests). */
export function partChangesOf(records: readonly StreamChange[]): PartChange[] {
  const out: PartChange[] = [];
  for (const r of records) {
    if (!isPart(r.keys)) continue;
    const oldP = r.oldImage ? PartImage.parse(r.oldImage) : undefined;
    const newP = r.newImage ? PartImage.parse(r.newImage) : undefined;
    out.push({
      seq: padSequence(r.sequenceNumber),
      id: r.sequenceNumber,
      object: String(r.keys.pk),
      ...(oldP ? { oldImage: { gen: oldP.gen, cells: oldP.cells, info: oldP.info } } : {}),
      ...(newP ? { newImage: { gen: newP.gen, cells: newP.cells, info: newP.info } } : {}),
    });
  }
  return out;
}

export interface AggregateResult {
  /** Part changes seen, and applied now (the others were applied before: redelivered or duplicated). */
  changes: number;
  applied: number;
  transactions: number;
  /** When a chunk could not be applied: the sequence number of its first record (where Lambda resumes). */
  failedAt?: string;
  error?: unknown;
}

const MAX_ROUNDS = 10;

export async function aggregateStreamBatch(
  records: readonly StreamChange[],
  store: CounterAggregator & CreatedRefileStore,
): Promise<AggregateResult> {
  const changes = partChangesOf(records);
  let applied = 0;
  let transactions = 0;
  let firstPending = changes[0]?.id;
  /** Listed entities' all-time counters this call created: their info is checked against the current lists after. */
  const created: { cell: string; info: EntityInfo }[] = [];
  const done = async (): Promise<AggregateResult> => {
    const r = { changes: changes.length, applied, transactions };
    try {
      await refileCreatedCounters(store, created);
      return r;
    } catch (error) {
      // The batch is applied (a retry would find nothing to do): the check is reported, not the batch failed.
      return { ...r, error };
    }
  };
  /** The info each entity's rows were last written under by this call (the rounds below). */
  const filed = new Map<string, EntityInfo>();
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const ledgers = await store.readLedgers([...new Set(changes.map((c) => c.object))]);
      const todo = unappliedChanges(changes, new Map([...ledgers].map(([k, l]) => [k, l.seq])));
      if (!todo.length) return done();
      // The entity counters these changes move, read once per round (bounded by the batch's own cells): each entity
      // moves from what is stored, under a condition, so its rows and its listed-in-news transitions are exact.
      const entities = await store.readEntityStates(entityCellsOf(todo));
      let conflict = false;
      const chunks = planAggregation(todo, entities);
      // Every entity's rows as the batch leaves them, once, before the transactions (rowMovesOf says why that is
      // exact): an entity moved by several chunks has its rows written once, not once per chunk.
      // A round that wrote an entity's rows under an info a refile then replaced (its transaction is refused on the
      // info revision, issue 17.3) drops those facets now: no row is left in a facet the entity has left.
      // An entity the batch leaves where it found it (a relink's old generation out and its new one in, both in
      // this batch) keeps the rows it has: they are the copy of the counter the batch read, under the same info.
      const first = new Map<string, EntityMove>();
      for (const c of chunks) for (const e of c.entities) if (!first.has(e.cell)) first.set(e.cell, e);
      const unmoved = (m: RowMove) => {
        const b = first.get(m.cell)?.before;
        return !filed.has(m.cell) && !!b && b.articles === m.after.articles && b.mentions === m.after.mentions;
      };
      const moves = rowMovesOf(chunks)
        .filter((m) => !unmoved(m))
        .map((m) => {
          const before = filed.get(m.cell);
          filed.set(m.cell, m.info);
          return before && !sameInfo(before, m.info) ? { ...m, drop: facetsOf(before) } : m;
        });
      await store.writeEntityRows(moves);
      for (const chunk of chunks) {
        firstPending = chunk.firstId;
        if ((await store.applyChunk(chunk)) === 'conflict') {
          // A checkpoint or an entity counter moved under us (a redelivery, or another shard's batch): read the
          // ledgers and the entities again and drop what is applied.
          conflict = true;
          break;
        }
        transactions++;
        applied += chunk.changes;
        for (const e of chunk.entities)
          if (!e.before && e.cell.startsWith('listed|')) created.push({ cell: e.cell, info: e.info });
      }
      if (!conflict) return done();
    }
    throw new Error(`checkpoints kept moving after ${MAX_ROUNDS} rounds`);
  } catch (error) {
    return {
      changes: changes.length,
      applied,
      transactions,
      ...(firstPending ? { failedAt: firstPending } : {}),
      error,
    };
  }
}
