import { describe, expect, it } from 'vitest';
import { makeMemoryCanonicalStore } from '../../../shared/adapters/memory-canonical-store.ts';
import { CANONICAL_OVERLAP_PK, changeKey, listedEntityKey } from '../../../shared/domain/keys.ts';
import { addToAggregate, emptyAggregate } from '../../../shared/domain/list-aggregate.ts';
import type { ListedEntity } from '../../../shared/domain/model.ts';
import { profileOf, resolveProfiles } from '../../../shared/domain/resolve.ts';
import {
  KeyCollector,
  keyCollectorFor,
  type ResolveRun,
  resolveListVersion,
} from '../../../shared/ingest/resolve-lists.ts';
import type { CanonicalStore } from '../../../shared/ports.ts';
import {
  canonicalCountryCounts,
  canonicalDetail,
  canonicalOf,
  canonicalSummaries,
} from '../../../shared/query/canonical.ts';

/*
 * Cross-list resolution as the ingest runs it: list versions written as the ingest writes them, resolved one version
 * at a time against the in-memory store; the result checked against the in-memory resolver and a recount.
 * Names, numbers and countries are invented.
 */

const e = (list: string, sourceId: string, over: Partial<ListedEntity> = {}): ListedEntity => ({
  list,
  sourceId,
  type: 'organization',
  name: 'Placeholder',
  aliases: [],
  weakAliases: [],
  countries: [],
  programs: ['TEST'],
  identifiers: [],
  ...over,
});
const at = (code: string) => [{ code, roles: ['address' as const] }];
const unRef = (value: string) => [{ type: 'un-reference', value }];

/**
 * The store as one run of resolution sees it: `fault.crashAfter` writes (puts, deletes, META transactions) go
 * through, then the function dies: that write and every later one of the run throw (its other calls in flight die
 * with it, as in a Lambda); undefined never crashes. `fault.crashAfter` counts down what went through.
 */
function crashing(store: CanonicalStore, fault: { crashAfter: number | undefined }): CanonicalStore {
  let dead = false;
  const write =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => {
      if (dead || (fault.crashAfter !== undefined && fault.crashAfter-- <= 0)) {
        dead = true;
        throw new Error('the function died here');
      }
      return fn(...a);
    };
  return {
    ...store,
    putItems: write(store.putItems),
    deleteKeys: write(store.deleteKeys),
    writeCanonicals: write(store.writeCanonicals),
  };
}

function harness() {
  const store = makeMemoryCanonicalStore();
  const fault = { crashAfter: undefined as number | undefined };
  const pointers = new Map<string, { version: string; entities: ListedEntity[] }>();
  const pointerOf = (list: string) => {
    const p = pointers.get(list);
    if (!p) return undefined;
    const agg = emptyAggregate();
    for (const x of p.entities) addToAggregate(agg, x);
    return {
      list,
      version: p.version,
      order: p.version,
      key: `sanctions/${list}`,
      etag: p.version,
      ...agg,
      format: 'test',
      swappedAt: '2026-12-01T00:00:00Z',
    };
  };
  const lists = {
    getListPointer: async (list: string) => pointerOf(list),
    readListPointers: async () => [...pointers.keys()].map((l) => pointerOf(l)!),
  };
  const deps = { store, lists };
  /**
   * Writes a version as the ingest does (its entities, and its change set against the version it replaces, as
   * shared/ingest/list-delta.ts files it), makes it current and resolves it.
   */
  const ingest = async (list: string, version: string, entities: ListedEntity[], collect = false) => {
    await store.putItems(entities.map((x) => ({ ...listedEntityKey(list, version, x.sourceId), ...x })));
    const previous = pointers.get(list);
    if (previous) {
      const before = new Map(previous.entities.map((x) => [x.sourceId, JSON.stringify(x)]));
      const now = new Set(entities.map((x) => x.sourceId));
      const changes = [
        ...entities.flatMap((x) =>
          !before.has(x.sourceId)
            ? ['ADD', x.sourceId]
            : before.get(x.sourceId) !== JSON.stringify(x)
              ? ['MOD', x.sourceId]
              : [],
        ),
        ...previous.entities.flatMap((x) => (now.has(x.sourceId) ? [] : ['DEL', x.sourceId])),
      ];
      const items = [];
      for (let i = 0; i < changes.length; i += 2)
        items.push({ ...changeKey(list, version, changes[i]!, changes[i + 1]!) });
      await store.putItems(items);
    }
    pointers.set(list, { version, entities });
    const run = {
      list,
      version,
      entityCount: entities.length,
      ...(previous ? { previous: previous.version } : {}),
    };
    return resolve(run, collect ? entities : undefined);
  };
  /**
   * Resolves a version already written and current, as the list function does; `collected`: the entities whose keys
   * the ingest collected while writing them (KeyCollector, one flush here).
   */
  const resolve = async (run: ResolveRun, collected?: readonly ListedEntity[]) => {
    const c = collected ? new KeyCollector(run.list, run.version!) : undefined;
    c?.add(collected!.map((x) => ({ ...x })));
    return resolveListVersion({ ...run, ...(c ? { collected: c } : {}) }, { store: crashing(store, fault) });
  };
  /** A list taken away, as the ingest does: its pointer first, then resolution. */
  const remove = async (list: string) => {
    const previous = pointers.get(list)!.version;
    pointers.delete(list);
    return resolveListVersion({ list, previous }, { store });
  };
  const counts = async () => Object.fromEntries(await canonicalCountryCounts(deps));
  /** Distinct canonical entities per country, recounted from the current listings and their canonical ids. */
  const recount = async () => {
    const countries = new Map<string, Set<string>>();
    for (const [list, p] of pointers)
      for (const x of p.entities) {
        const c = await canonicalOf(`l:${list}:${x.sourceId}`, deps);
        const s = countries.get(c!) ?? new Set<string>();
        for (const cc of x.countries) s.add(cc.code);
        countries.set(c!, s);
      }
    const out: Record<string, number> = {};
    for (const s of countries.values()) for (const cc of s) out[cc] = (out[cc] ?? 0) + 1;
    return out;
  };
  return { store, deps, ingest, resolve, fault, pointerOf, remove, counts, recount };
}

const UN = [
  e('un-sc', '101', { name: 'Blue Heron Mining Corporation', identifiers: unRef('XXe.001'), countries: at('AA') }),
  e('un-sc', '102', { name: 'Ivan Zorin', type: 'person', identifiers: [{ type: 'birth-date', value: '1961-04-02' }] }),
  e('un-sc', '103', { name: 'Grey Gull Trading Company', countries: at('BB') }),
];
const SDN = [
  e('us-ofac-sdn', '9', { name: 'BLUE HERON MINING CORPORATION', aliases: ['Heron Ore Works'], countries: at('AA') }),
  e('us-ofac-sdn', '10', { name: 'ZORIN, Ivan', type: 'person', identifiers: [{ type: 'birth-date', value: '1961' }] }),
  e('us-ofac-sdn', '11', { name: 'ZORIN, Ivan', type: 'person', identifiers: [{ type: 'birth-date', value: '1980' }] }),
];
const UK = [e('uk-hmt', '7', { name: 'Heron Ore Works', identifiers: unRef('XXe.001'), countries: at('AA') })];

describe('resolveListVersion', () => {
  it('merges across lists as versions arrive, with reasons, and every listed id resolves to its canonical entity', async () => {
    // Prepare
    const h = harness();
    // Act
    await h.ingest('un-sc', 'v1', UN);
    await h.ingest('us-ofac-sdn', 'v1', SDN);
    await h.ingest('uk-hmt', 'v1', UK);
    // Assess
    const komid = await canonicalDetail('l:us-ofac-sdn:9', h.deps);
    expect(komid?.lists).toEqual(['uk-hmt', 'un-sc', 'us-ofac-sdn']);
    expect(komid?.name).toBe('Blue Heron Mining Corporation'); // the UN's spelling
    expect(komid?.listings.map((l) => l.id)).toEqual(['l:uk-hmt:7', 'l:un-sc:101', 'l:us-ofac-sdn:9']);
    expect(komid?.listings[1]).toEqual({
      list: 'un-sc',
      sourceId: '101',
      id: 'l:un-sc:101',
      names: ['Blue Heron Mining Corporation'],
      programs: ['TEST'],
    });
    expect(komid?.merged.find((m) => m.id === 'l:un-sc:101')?.reason).toEqual({
      rule: 'identifier',
      type: 'un',
      value: 'XXE.001',
    });
    expect(komid?.merged.find((m) => m.id === 'l:us-ofac-sdn:9')?.reason?.rule).toBe('name');
    // The namesake born in 1980 stays apart; the one born in 1961 joins the UN's.
    expect(await canonicalOf('l:un-sc:102', h.deps)).toBe(await canonicalOf('l:us-ofac-sdn:10', h.deps));
    expect(await canonicalOf('l:us-ofac-sdn:11', h.deps)).not.toBe(await canonicalOf('l:un-sc:102', h.deps));
    expect(await h.counts()).toEqual({ AA: 1, BB: 1 });
    expect(await h.counts()).toEqual(await h.recount());
  });

  it('gives the clusters the in-memory resolver gives, whatever the order the lists arrive in', async () => {
    // Prepare
    const orders = [
      [
        ['un-sc', UN],
        ['us-ofac-sdn', SDN],
        ['uk-hmt', UK],
      ],
      [
        ['uk-hmt', UK],
        ['us-ofac-sdn', SDN],
        ['un-sc', UN],
      ],
    ] as const;
    const expected = resolveProfiles([...UN, ...SDN, ...UK].map(profileOf)).canonicalOf;
    for (const order of orders) {
      const h = harness();
      // Act
      for (const [list, entities] of order) await h.ingest(list, 'v1', [...entities]);
      // Assess
      for (const [member, canonical] of expected)
        expect([member, await canonicalOf(member, h.deps)]).toEqual([member, canonical]);
      expect(await h.counts()).toEqual(await h.recount());
    }
  });

  it('a first version whose keys the ingest collected resolves the same, without reading the version back', async () => {
    // Prepare
    const walked = harness();
    const collected = harness();
    for (const [list, entities] of [
      ['un-sc', UN],
      ['us-ofac-sdn', SDN],
      ['uk-hmt', UK],
    ] as const) {
      await walked.ingest(list, 'v1', [...entities]);
      collected.store.reads.queryPage = 0;
      // Act
      await collected.ingest(list, 'v1', [...entities], true);
      // Assess: no page of the version read (only the small list of resolved lists)
      expect(collected.store.reads.queryPage).toBeLessThanOrEqual(3);
    }
    const shown = (h: ReturnType<typeof harness>) =>
      h.store
        .items()
        .filter((it) => /^(CAN|CANOF|CANOVL|XBK)/.test(String(it.pk)))
        // A bucket's keys in key order (the two builds add them in another order).
        .map((it) => JSON.stringify({ ...it, ...(it.keys ? { keys: Object.entries(it.keys).sort() } : {}) }))
        .sort();
    expect(shown(collected)).toEqual(shown(walked));
    expect(await collected.counts()).toEqual(await collected.recount());
  });

  it('the ingest collects keys only for a version that resolution will lay out afresh', async () => {
    // Prepare
    const h = harness();
    await h.ingest('un-sc', 'v1', UN);
    await h.ingest('us-ofac-sdn', 'v1', SDN);
    const cur = (version: string, entityCount = 3) => ({ version, entityCount });
    // Act / Assess: a first version; the next of a resolved one; one after a version never resolved; one outgrowing
    // its layout; and a list whose members are in clusters (a rebuild of it walks the version instead).
    expect(await keyCollectorFor(h.store, 'uk-hmt', 'v1', undefined)).toBeInstanceOf(KeyCollector);
    await h.ingest('us-csl', 'v1', [e('us-csl', '1', { name: 'Lone Plover Shipping' })]);
    expect(await keyCollectorFor(h.store, 'us-csl', 'v2', cur('v1'))).toBeUndefined();
    expect(await keyCollectorFor(h.store, 'us-csl', 'v3', cur('v2'))).toBeInstanceOf(KeyCollector);
    expect(await keyCollectorFor(h.store, 'us-csl', 'v2', cur('v1', 1_000_000))).toBeInstanceOf(KeyCollector);
    expect(await keyCollectorFor(h.store, 'un-sc', 'v3', cur('v2'))).toBeUndefined();
  });

  it('a re-upload of the same version writes nothing; a changed entity alone is re-resolved', async () => {
    // Prepare
    const h = harness();
    await h.ingest('un-sc', 'v1', UN);
    await h.ingest('us-ofac-sdn', 'v1', SDN);
    const resolved = (it: Record<string, unknown>) => !/^(LE|CHG|CANLISTS)/.test(String(it.pk));
    const before = JSON.stringify(h.store.items().filter(resolved));
    // Act
    const writes = h.store.writes();
    // The ingest wrote v2's entities (and no change: there is none); resolution writes the list's state alone.
    const again = await h.ingest('us-ofac-sdn', 'v2', SDN);
    const writesAgain = h.store.writes() - writes - SDN.length;
    const afterAgain = JSON.stringify(h.store.items().filter(resolved));
    const changedOne = await h.ingest('us-ofac-sdn', 'v3', [...SDN.slice(0, 2), { ...SDN[2]!, countries: at('CC') }]);
    // Assess
    expect(again).toEqual({ changed: 0, removed: 0 });
    expect(afterAgain).toBe(before);
    expect(writesAgain).toBe(1); // CANLISTS/us-ofac-sdn: the version its buckets describe
    expect(changedOne).toEqual({ changed: 1, removed: 0 });
    expect(await h.counts()).toEqual({ AA: 1, BB: 1, CC: 1 });
    expect(await h.counts()).toEqual(await h.recount());
  });

  it('a member delisted leaves its cluster; an old canonical id still resolves and says it was merged', async () => {
    // Prepare: UN 101 and SDN 9 are one entity; then the UN entry is delisted.
    const h = harness();
    await h.ingest('us-ofac-sdn', 'v1', SDN);
    const alone = await canonicalOf('l:us-ofac-sdn:9', h.deps);
    await h.ingest('un-sc', 'v1', UN);
    const merged = await canonicalOf('l:us-ofac-sdn:9', h.deps);
    // Act
    const oldId = await canonicalDetail(alone!, h.deps);
    const removal = await h.ingest('un-sc', 'v2', UN.slice(1));
    // Assess: the id of the SDN entry alone was retired when the UN entry (a smaller id) joined, and still answers.
    expect(merged).not.toBe(alone);
    expect(oldId?.id).toBe(merged);
    expect(oldId?.mergedFrom).toBe(alone);
    expect(removal).toEqual({ changed: 0, removed: 1 });
    expect(await canonicalOf('l:un-sc:101', h.deps)).toBeUndefined();
    const after = await canonicalDetail('l:us-ofac-sdn:9', h.deps);
    expect(after?.lists).toEqual(['us-ofac-sdn']);
    expect(after?.id).toBe(alone); // the SDN entry alone again: the id it had alone
    expect(await canonicalDetail(merged!, h.deps)).toMatchObject({ id: alone, mergedFrom: merged });
    expect(await h.counts()).toEqual(await h.recount());
  });

  it('a list removed leaves every cluster it was in, and the counts follow', async () => {
    // Prepare
    const h = harness();
    await h.ingest('un-sc', 'v1', UN);
    await h.ingest('us-ofac-sdn', 'v1', SDN);
    // Act
    const r = await h.remove('un-sc');
    // Assess
    expect(r).toEqual({ changed: 0, removed: UN.length });
    for (const x of UN) expect(await canonicalOf(`l:un-sc:${x.sourceId}`, h.deps)).toBeUndefined();
    expect((await canonicalDetail('l:us-ofac-sdn:9', h.deps))?.lists).toEqual(['us-ofac-sdn']);
    expect(await h.counts()).toEqual({ AA: 1 });
    expect(await h.counts()).toEqual(await h.recount());
  });

  it('a list removed and uploaded again: its clusters come back under their ids, and no referent is left beside them', async () => {
    // Prepare: UN 101 and SDN 9 are one entity, under the UN entry's id; the UN list goes, the id is retired.
    const h = harness();
    await h.ingest('un-sc', 'v1', UN, true);
    await h.ingest('us-ofac-sdn', 'v1', SDN, true);
    const merged = await canonicalOf('l:us-ofac-sdn:9', h.deps);
    await h.remove('un-sc');
    const referent = h.store.items().find((it) => it.pk === `CAN#${merged}` && it.sk === 'REF');
    // Act: the UN list again, as a first version built from collected keys.
    await h.ingest('un-sc', 'v1', UN, true);
    // Assess
    expect(referent).toBeDefined();
    expect(await canonicalOf('l:us-ofac-sdn:9', h.deps)).toBe(merged);
    expect(
      h.store
        .items()
        .filter((it) => it.pk === `CAN#${merged}`)
        .map((it) => it.sk),
    ).toEqual(['META']);
    expect(await h.counts()).toEqual(await h.recount());
  });

  it('summarises the canonical entities of many listed ids in two batched reads', async () => {
    // Prepare
    const h = harness();
    await h.ingest('un-sc', 'v1', UN);
    await h.ingest('us-ofac-sdn', 'v1', SDN);
    h.store.reads.getItems = 0;
    // Act
    const s = await canonicalSummaries(['l:un-sc:101', 'l:us-ofac-sdn:9', 'l:us-ofac-sdn:11', 'l:un-sc:999'], h.deps);
    // Assess
    expect(s.get('l:un-sc:101')).toEqual(s.get('l:us-ofac-sdn:9'));
    expect(s.get('l:un-sc:101')).toMatchObject({
      lists: ['un-sc', 'us-ofac-sdn'],
      name: 'Blue Heron Mining Corporation',
    });
    // In no cluster: its own canonical entity, with no item to read.
    expect(s.has('l:us-ofac-sdn:11')).toBe(false);
    expect(s.has('l:un-sc:999')).toBe(false);
    expect(h.store.reads.getItems).toBeLessThanOrEqual(2 + 1); // 2 CANOF items, 1 META item
    expect(await canonicalOf('l:us-ofac-sdn:11', h.deps)).toBe('c:us-ofac-sdn:11');
  });

  it('reads a bounded number of items per entity, not the store', async () => {
    // Prepare: 300 unrelated entities on one list, then one new entity on another.
    const h = harness();
    await h.ingest(
      'us-ofac-sdn',
      'v1',
      Array.from({ length: 300 }, (_, i) => e('us-ofac-sdn', String(1000 + i), { name: `Gull${i} Heron${i} Works` })),
    );
    h.store.reads.queryPage = 0;
    h.store.reads.getItems = 0;
    // Act
    await h.ingest('un-sc', 'v1', [e('un-sc', '1', { name: 'Gull7 Heron7 Works' })]);
    // Assess: its own item, its block, the one candidate, the clusters touched; nowhere near 300.
    expect(h.store.reads.queryPage + h.store.reads.getItems).toBeLessThan(20);
    expect(await canonicalOf('l:un-sc:1', h.deps)).toBe(await canonicalOf('l:us-ofac-sdn:1007', h.deps));
  });

  it("counts per country are the lists' counts less the overlap items, written only for clusters", async () => {
    // Prepare
    const h = harness();
    await h.ingest('un-sc', 'v1', UN);
    const alone = h.store.items().filter((it) => it.pk === CANONICAL_OVERLAP_PK);
    await h.ingest('us-ofac-sdn', 'v1', SDN);
    // Act
    const page = await h.store.queryPage(CANONICAL_OVERLAP_PK, 300);
    // Assess: UN 101 and SDN 9 are one entity in AA: AA's two listings count once.
    expect(alone).toEqual([]);
    expect(page.items.map((it) => [it.sk, it.count])).toEqual([['AA', 1]]);
    expect(await h.counts()).toEqual({ AA: 1, BB: 1 });
    expect(await h.counts()).toEqual(await h.recount());
  });

  it('writes a few items per list of unrelated entities, not one per entity', async () => {
    // Prepare
    const h = harness();
    const many = Array.from({ length: 1000 }, (_, i) =>
      e('us-ofac-sdn', String(i), { name: `Tern${i} Kestrel${i} Works` }),
    );
    const w0 = h.store.writes();
    // Act
    await h.ingest('us-ofac-sdn', 'v1', many);
    // Assess: 16 buckets and the list's state; no canonical item for an entity alone.
    expect(h.store.writes() - w0 - many.length).toBe(16 + 1);
    expect(h.store.items().filter((it) => /^CAN(OF)?#/.test(String(it.pk)))).toEqual([]);
  });

  /** Three invented lists that overlap by UN reference and by name, over more seeds than one page of a first build. */
  const overlapping = () => {
    const cc = (i: number) => at(['AA', 'BB', 'CC', 'DD', 'EE'][i % 5]!);
    const name = (i: number) => `Osprey${i} Lantern${i} Holdings`;
    return [
      [
        'un-sc',
        Array.from({ length: 900 }, (_, i) =>
          e('un-sc', `U${i}`, { name: name(i), identifiers: unRef(`XXe.${i}`), countries: cc(i) }),
        ),
      ],
      [
        'us-ofac-sdn',
        Array.from({ length: 700 }, (_, i) =>
          e('us-ofac-sdn', `S${i}`, {
            // By name (same country) for even i, by UN reference for every third; the rest alone.
            name: i % 2 ? `Sdn${i} Only${i} Works` : name(i),
            identifiers: i % 3 ? [] : unRef(`XXe.${i}`),
            countries: cc(i),
          }),
        ),
      ],
      [
        'uk-hmt',
        Array.from({ length: 300 }, (_, i) =>
          e('uk-hmt', `K${i}`, {
            name: `Uk${i} Entry${i} Group`,
            identifiers: unRef(`XXe.${2 * i}`),
            countries: cc(i),
          }),
        ),
      ],
    ] as const;
  };
  /** What resolution made, but revisions and bucket layouts (which differ by the path taken, not by the result). */
  const resolved = (h: ReturnType<typeof harness>) =>
    h.store
      .items()
      .filter((it) => /^(CAN#|CANOF#|CANOVL)/.test(String(it.pk)))
      .map(({ rev: _, ...it }) => JSON.stringify(it))
      .sort();

  it('a first build from collected keys makes what an incremental build of the same lists makes', async () => {
    // Prepare: the same lists into two stores: first versions whole (collected keys), and first versions empty
    // followed by one adding every entity (resolved from its change set).
    const whole = harness();
    const incremental = harness();
    const lists = overlapping();
    const expected = resolveProfiles(lists.flatMap(([, es]) => es.map(profileOf))).canonicalOf;
    // Act
    for (const [list, entities] of lists) {
      await whole.ingest(list, 'v1', [...entities], true);
      await incremental.ingest(list, 'v1', []);
      await incremental.ingest(list, 'v2', [...entities]);
    }
    // Assess
    expect(resolved(whole)).toEqual(resolved(incremental));
    for (const [member, canonical] of expected)
      expect([member, await canonicalOf(member, whole.deps)]).toEqual([member, canonical]);
    expect(await whole.counts()).toEqual(await whole.recount());
    expect(Object.keys(await whole.counts()).length).toBeGreaterThan(0);
  });

  it('a first build that dies at any write and is retried ends as a build that never died', async () => {
    // Prepare: a clean run, and how many writes the two first builds with cross-list merges make.
    const lists = overlapping();
    const clean = harness();
    const writes: number[] = [];
    const wants: string[][] = [];
    for (const [list, entities] of lists) {
      clean.fault.crashAfter = 1e9;
      await clean.ingest(list, 'v1', [...entities], true);
      writes.push(1e9 - clean.fault.crashAfter);
      wants.push(resolved(clean));
    }
    clean.fault.crashAfter = undefined;
    expect(writes[1]).toBeGreaterThan(5);
    for (const at of [1, 2]) {
      const [list, entities] = lists[at]!;
      for (let crash = 0; crash < writes[at]!; crash++)
        for (const collectOnRetry of [true, false]) {
          const h = harness();
          for (const [l, es] of lists.slice(0, at)) await h.ingest(l, 'v1', [...es], true);
          // Act: the build dies after `crash` writes; the event is delivered again. The ingest collects keys on
          // the retry when keyCollectorFor says the layout is to be built (or walks the version).
          h.fault.crashAfter = crash;
          await expect(h.ingest(list, 'v1', [...entities], true)).rejects.toThrow('the function died here');
          h.fault.crashAfter = undefined;
          const collect = collectOnRetry && (await keyCollectorFor(h.store, list, 'v1', undefined)) !== undefined;
          await h.resolve({ list, version: 'v1', entityCount: entities.length }, collect ? entities : undefined);
          // Assess
          expect([list, crash, collectOnRetry, resolved(h)]).toEqual([list, crash, collectOnRetry, wants[at]]);
          expect(await h.counts()).toEqual(await h.recount());
        }
    }
  }, 240_000); // every write point of two builds, from a fresh store each: 54 s at a load of 5, 86 s beside another test run

  it('two deliveries of one first build running at once end as one build: overlap counted once', async () => {
    // Prepare
    const lists = overlapping();
    const clean = harness();
    const wants: string[][] = [];
    for (const [list, entities] of lists) {
      await clean.ingest(list, 'v1', [...entities], true);
      wants.push(resolved(clean));
    }
    for (const at of [1, 2]) {
      const [list, entities] = lists[at]!;
      const h = harness();
      for (const [l, es] of lists.slice(0, at)) await h.ingest(l, 'v1', [...es], true);
      // Act: the version written once, its resolution run twice side by side (SQS may deliver an event twice).
      const write = h.ingest(list, 'v1', [...entities], true);
      const twice = h.resolve({ list, version: 'v1', entityCount: entities.length }, entities);
      await Promise.all([write, twice]);
      // Assess
      expect([list, resolved(h)]).toEqual([list, wants[at]]);
      expect(await h.counts()).toEqual(await h.recount());
    }
  });
});
