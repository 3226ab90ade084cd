// A throwaway SQLite store per test, removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type SqliteStore } from '../../store/database.ts';

type TestContextLike = { after: (fn: () => void) => void };

/** A store file path in a fresh temporary directory (`dirs` below it need not exist yet). */
export function tempDb(t: TestContextLike, ...dirs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, ...dirs, 'store.sqlite');
}

/** Opens the store at `path` and closes it when the test ends. */
export function opened(t: TestContextLike, path: string): SqliteStore {
  const store = openStore(path);
  t.after(() => store.close());
  return store;
}
