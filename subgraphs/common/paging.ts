// Cursor connections for every list. Pages are keyset pages on the source id
// (ascending), so a cursor stays valid while records are added or changed, and an
// `updatedSince` filter is a plain extra condition on the same pages. For its next
// incremental load a BI loader uses as `updatedSince` the time its current load
// started, minus a small overlap for clock skew — not the highest `updatedAt` it saw,
// which would miss a record changed mid-load on a page it had already read (README,
// "BI tool — incremental load").
import { z } from 'zod';
import { appError } from '../../policy/errors.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface PageRequest {
  /** How many to return. */
  first: number;
  /** Return records whose source id is greater than this (exclusive). */
  afterSourceId: string | null;
}

export function parsePageArgs(args: PageArgs, maxPageSize = MAX_PAGE_SIZE): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw appError('BAD_USER_INPUT', `"first" must be between 1 and ${maxPageSize}`, { field: 'first' });
  }
  if (args.after == null) return { first, afterSourceId: null };
  return { first, afterSourceId: decodeCursor('page', args.after) };
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Resolved lazily: counting costs a backend call, so only when asked. */
  totalCount: () => Promise<number>;
}

/** A connection with nothing in it (a filter that can match nothing, a record with no twin). */
export function emptyConnection<T>(): Connection<T> {
  return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: async () => 0 };
}

/**
 * Builds a connection from a page fetched with `first + 1` rows: the extra row
 * only tells whether there is a next page.
 */
export function toConnection<R, T>(
  rows: R[],
  page: PageRequest,
  sourceIdOf: (row: R) => string | number,
  toNode: (row: R) => T,
  count: () => Promise<number>,
): Connection<T> {
  const hasNextPage = rows.length > page.first;
  const pageRows = hasNextPage ? rows.slice(0, page.first) : rows;
  const edges = pageRows.map((row) => ({ cursor: encodeCursor('page', sourceIdOf(row)), node: toNode(row) }));
  return {
    edges,
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null },
    totalCount: count,
  };
}

const isoInstant = z.iso.datetime({ offset: true });

/** `updatedSince` must be an ISO-8601 instant; returns it normalised to UTC. */
export function parseUpdatedSince(value: string | null | undefined, field = 'filter.updatedSince'): Date | null {
  if (value == null) return null;
  if (!isoInstant.safeParse(value).success) {
    throw appError('BAD_USER_INPUT', `"${field}" must be an ISO-8601 instant, e.g. 2026-01-31T00:00:00Z`, { field });
  }
  return new Date(value);
}
