// The HubSpot sandbox's in-memory portal: objects per type, the unique-value
// indexes HubSpot enforces, associations (stored one way in the dataset, answered
// both ways), owners and id allocation. Deep-copied from the dataset, so a test
// can build several sandboxes from one fixture without them seeing each other.
import {
  HUBSPOT_ASSOCIATION_TYPES,
  HUBSPOT_OBJECT_TYPES,
  HUBSPOT_PROPERTIES,
  HUBSPOT_TIMESTAMP_PROPERTIES,
  HUBSPOT_UNIQUE_PROPERTIES,
  type HubSpotDataset,
  type HubSpotObject,
  type HubSpotObjectType,
  type HubSpotOwner,
} from './portal.ts';

export interface StoredObject extends HubSpotObject {
  archivedAt?: string;
}

export interface AssociationEdge {
  toId: string;
  typeId: number;
}

/** Numeric-string order (ids are numeric strings of any length). */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function uniqueKey(prop: string, value: string): string {
  // HubSpot treats email addresses case-insensitively.
  return prop === 'email' ? value.trim().toLowerCase() : value;
}

/** The default association type id from `from` to `to`, if HubSpot defines one. */
export function defaultAssociationTypeId(from: HubSpotObjectType, to: HubSpotObjectType): number | undefined {
  return (HUBSPOT_ASSOCIATION_TYPES as Record<string, number>)[`${from}_to_${to}`];
}

export class UniqueConflictError extends Error {
  constructor(readonly property: string, readonly value: string, readonly existingId: string) {
    super(`${property}=${value} already used by ${existingId}`);
  }
}

export class HubSpotStore {
  readonly portalId: number;
  readonly tokens: ReadonlySet<string>;
  readonly owners: HubSpotOwner[];
  /** Dataset problems tolerated at load (e.g. a duplicate unique value); real HubSpot could not hold them. */
  readonly warnings: string[] = [];

  private readonly objects = new Map<HubSpotObjectType, Map<string, StoredObject>>();
  private readonly sorted = new Map<HubSpotObjectType, StoredObject[] | null>();
  private readonly unique = new Map<HubSpotObjectType, Map<string, Map<string, string>>>();
  /** `${type}:${id}` → toType → toId → typeId, both directions. */
  private readonly edges = new Map<string, Map<HubSpotObjectType, Map<string, number>>>();
  private readonly knownProperties = new Map<HubSpotObjectType, Set<string>>();
  private readonly maxId = new Map<HubSpotObjectType, bigint>();
  /**
   * What CRM search sees: HubSpot indexes writes for search asynchronously, so a
   * created or changed object shows in search results (with its new values) only
   * `searchDelayMs` after the write. `${type}:${id}` → versions in time order, each
   * visible from `at` (epoch ms); an object without versions is indexed as loaded.
   */
  private readonly searchVersions = new Map<string, Array<{ at: number; snapshot: StoredObject | null }>>();
  /** Milliseconds from a write until search sees it (0: at once). Reads by id are never delayed. */
  searchDelayMs = 0;

  constructor(dataset: HubSpotDataset) {
    const data = structuredClone(dataset);
    this.portalId = data.portalId;
    this.tokens = new Set(data.tokens);
    this.owners = data.owners;
    for (const type of HUBSPOT_OBJECT_TYPES) {
      this.objects.set(type, new Map());
      this.sorted.set(type, null);
      this.maxId.set(type, 0n);
      this.knownProperties.set(type, new Set(HUBSPOT_PROPERTIES[type]));
      const idx = new Map<string, Map<string, string>>();
      for (const p of HUBSPOT_UNIQUE_PROPERTIES[type] ?? []) idx.set(p, new Map());
      this.unique.set(type, idx);
      for (const raw of data.objects[type] ?? []) this.load(type, raw);
    }
    for (const a of data.associations) {
      if (!this.objects.get(a.fromType)?.has(a.fromId) || !this.objects.get(a.toType)?.has(a.toId)) {
        this.warnings.push(`association ${a.fromType}/${a.fromId} → ${a.toType}/${a.toId} names a missing object`);
      }
      this.link(a.fromType, a.fromId, a.toType, a.toId, a.typeId);
    }
  }

  private load(type: HubSpotObjectType, raw: HubSpotObject): void {
    if (!/^\d+$/.test(raw.id)) throw new Error(`HubSpot dataset: ${type} id ${JSON.stringify(raw.id)} is not a numeric string`);
    const ts = HUBSPOT_TIMESTAMP_PROPERTIES[type];
    const obj: StoredObject = {
      id: raw.id,
      properties: { ...raw.properties },
      createdAt: raw.createdAt,
      updatedAt: raw.updatedAt,
      archived: Boolean(raw.archived),
    };
    obj.properties.hs_object_id = raw.id;
    obj.properties[ts.created] ??= raw.createdAt;
    obj.properties[ts.modified] ??= raw.updatedAt;
    const map = this.objects.get(type)!;
    if (map.has(raw.id)) throw new Error(`HubSpot dataset: duplicate ${type} id ${raw.id}`);
    map.set(raw.id, obj);
    const known = this.knownProperties.get(type)!;
    for (const k of Object.keys(obj.properties)) known.add(k);
    this.bumpMax(type, raw.id);
    for (const [prop, index] of this.unique.get(type)!) {
      const v = obj.properties[prop];
      if (v === null || v === undefined || v === '' || obj.archived) continue;
      const key = uniqueKey(prop, v);
      const existing = index.get(key);
      if (existing) this.warnings.push(`${type} ${raw.id}: ${prop}=${v} duplicates ${existing}`);
      else index.set(key, raw.id);
    }
  }

  private bumpMax(type: HubSpotObjectType, id: string): void {
    const n = BigInt(id);
    if (n > this.maxId.get(type)!) this.maxId.set(type, n);
  }

  /** A new id above every id of the type (HubSpot ids are numeric strings). */
  private allocateId(type: HubSpotObjectType): string {
    const next = this.maxId.get(type)! + 1n;
    this.maxId.set(type, next);
    return next.toString();
  }

  isKnownProperty(type: HubSpotObjectType, prop: string): boolean {
    return this.knownProperties.get(type)!.has(prop);
  }

  isUniqueProperty(type: HubSpotObjectType, prop: string): boolean {
    return this.unique.get(type)!.has(prop);
  }

  get(type: HubSpotObjectType, id: string, archived = false): StoredObject | undefined {
    const obj = this.objects.get(type)!.get(id);
    return obj && obj.archived === archived ? obj : undefined;
  }

  /** Look an object up by a unique property value (`idProperty`). */
  findByUnique(type: HubSpotObjectType, prop: string, value: string, archived = false): StoredObject | undefined {
    if (archived) {
      return this.all(type).find((o) => o.archived && o.properties[prop] != null && uniqueKey(prop, o.properties[prop]!) === uniqueKey(prop, value));
    }
    const id = this.unique.get(type)!.get(prop)?.get(uniqueKey(prop, value));
    return id === undefined ? undefined : this.get(type, id);
  }

  /** Every object of a type (archived and not), in id order. */
  all(type: HubSpotObjectType): StoredObject[] {
    let list = this.sorted.get(type);
    if (!list) {
      list = [...this.objects.get(type)!.values()].sort((a, b) => compareIds(a.id, b.id));
      this.sorted.set(type, list);
    }
    return list;
  }

  list(type: HubSpotObjectType, archived = false): StoredObject[] {
    return this.all(type).filter((o) => o.archived === archived);
  }

  count(type: HubSpotObjectType): number {
    return this.objects.get(type)!.size;
  }

  /** Throws UniqueConflictError when a unique value is taken by another live object. */
  checkUnique(type: HubSpotObjectType, properties: Record<string, string | null>, selfId?: string): void {
    for (const [prop, index] of this.unique.get(type)!) {
      const v = properties[prop];
      if (v === undefined || v === null || v === '') continue;
      const holder = index.get(uniqueKey(prop, v));
      if (holder !== undefined && holder !== selfId) throw new UniqueConflictError(prop, v, holder);
    }
  }

  create(type: HubSpotObjectType, properties: Record<string, string | null>, now = new Date().toISOString()): StoredObject {
    this.checkUnique(type, properties);
    const id = this.allocateId(type);
    const ts = HUBSPOT_TIMESTAMP_PROPERTIES[type];
    const props: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(properties)) if (v !== null && v !== '') props[k] = v;
    props.hs_object_id = id;
    props[ts.created] = now;
    props[ts.modified] = now;
    const obj: StoredObject = { id, properties: props, createdAt: now, updatedAt: now, archived: false };
    this.objects.get(type)!.set(id, obj);
    this.sorted.set(type, null);
    const known = this.knownProperties.get(type)!;
    for (const k of Object.keys(props)) known.add(k);
    this.indexUnique(type, obj);
    this.indexForSearch(type, obj, null);
    return obj;
  }

  /** A copy of the object as it is now, for the search index. */
  private static snapshot(obj: StoredObject): StoredObject {
    return { ...obj, properties: { ...obj.properties } };
  }

  /** Note a write for search: until the delay passes, search keeps seeing `before` (null: nothing). */
  private indexForSearch(type: HubSpotObjectType, obj: StoredObject, before: StoredObject | null | undefined): void {
    const key = `${type}:${obj.id}`;
    let versions = this.searchVersions.get(key);
    if (!versions) this.searchVersions.set(key, (versions = before === undefined ? [] : [{ at: 0, snapshot: before }]));
    versions.push({ at: Date.now() + this.searchDelayMs, snapshot: HubSpotStore.snapshot(obj) });
  }

  /** The objects of a type as search sees them at `now`: each in its latest indexed version, not-yet-indexed ones left out. */
  searchable(type: HubSpotObjectType, now = Date.now()): StoredObject[] {
    const out: StoredObject[] = [];
    for (const obj of this.all(type)) {
      const key = `${type}:${obj.id}`;
      const versions = this.searchVersions.get(key);
      if (!versions) {
        out.push(obj);
        continue;
      }
      let visible = -1;
      for (let i = 0; i < versions.length && versions[i]!.at <= now; i += 1) visible = i;
      if (visible > 0) versions.splice(0, visible);
      const current = visible >= 0 ? versions[0]!.snapshot : null;
      if (current) out.push(current);
    }
    return out;
  }

  /** Apply a property patch ('' / null clears); returns the object. */
  update(type: HubSpotObjectType, obj: StoredObject, patch: Record<string, string | null>, now = new Date().toISOString()): StoredObject {
    this.checkUnique(type, patch, obj.id);
    const before = this.searchVersions.has(`${type}:${obj.id}`) ? undefined : HubSpotStore.snapshot(obj);
    this.unindexUnique(type, obj);
    for (const [k, v] of Object.entries(patch)) {
      obj.properties[k] = v === '' ? null : v;
      this.knownProperties.get(type)!.add(k);
    }
    const ts = HUBSPOT_TIMESTAMP_PROPERTIES[type];
    obj.updatedAt = now;
    obj.properties[ts.modified] = now;
    this.indexUnique(type, obj);
    this.indexForSearch(type, obj, before);
    return obj;
  }

  archive(type: HubSpotObjectType, obj: StoredObject, now = new Date().toISOString()): void {
    if (obj.archived) return;
    const before = this.searchVersions.has(`${type}:${obj.id}`) ? undefined : HubSpotStore.snapshot(obj);
    this.unindexUnique(type, obj);
    obj.archived = true;
    obj.archivedAt = now;
    obj.updatedAt = now;
    this.indexForSearch(type, obj, before);
  }

  private indexUnique(type: HubSpotObjectType, obj: StoredObject): void {
    if (obj.archived) return;
    for (const [prop, index] of this.unique.get(type)!) {
      const v = obj.properties[prop];
      if (v !== null && v !== undefined && v !== '') index.set(uniqueKey(prop, v), obj.id);
    }
  }

  private unindexUnique(type: HubSpotObjectType, obj: StoredObject): void {
    for (const [prop, index] of this.unique.get(type)!) {
      const v = obj.properties[prop];
      if (v === null || v === undefined || v === '') continue;
      const key = uniqueKey(prop, v);
      if (index.get(key) === obj.id) index.delete(key);
    }
  }

  private edgeMap(type: HubSpotObjectType, id: string, toType: HubSpotObjectType): Map<string, number> {
    const key = `${type}:${id}`;
    let byType = this.edges.get(key);
    if (!byType) this.edges.set(key, (byType = new Map()));
    let m = byType.get(toType);
    if (!m) byType.set(toType, (m = new Map()));
    return m;
  }

  /** Record an association one way; the reverse direction gets HubSpot's matching type id. */
  link(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType, toId: string, typeId: number): void {
    this.edgeMap(fromType, fromId, toType).set(toId, typeId);
    const reverse = defaultAssociationTypeId(toType, fromType) ?? typeId;
    this.edgeMap(toType, toId, fromType).set(fromId, reverse);
  }

  /** Associations of one object to a type, in toId order. */
  associationsOf(type: HubSpotObjectType, id: string, toType: HubSpotObjectType): AssociationEdge[] {
    const m = this.edges.get(`${type}:${id}`)?.get(toType);
    if (!m) return [];
    return [...m.entries()]
      .filter(([toId]) => this.get(toType, toId) !== undefined)
      .map(([toId, typeId]) => ({ toId, typeId }))
      .sort((a, b) => compareIds(a.toId, b.toId));
  }
}
