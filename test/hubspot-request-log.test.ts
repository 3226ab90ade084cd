// The HubSpot sandbox's request log keeps the last `limit` entries, in arrival order,
// however many calls it has seen (aged entries are cut off in batches, not one by one).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestLog } from '../sandboxes/hubspot/request-log.ts';

const entry = (i: number) => ({ operation: 'batch_read', objectType: i % 2 ? 'companies' : 'contacts', method: 'POST', path: `/crm/v3/objects/${i}` }) as never;

describe('HubSpot sandbox request log', () => {
  test('keeps the most recent entries only, across many times its limit', () => {
    for (const limit of [1, 3, 7]) {
      const log = new RequestLog(limit);
      for (let n = 1; n <= 5 * limit + 2; n++) {
        log.record(entry(n));
        const seqs = log.entries().map((e) => e.seq);
        const first = Math.max(1, n - limit + 1);
        assert.deepEqual(seqs, Array.from({ length: n - first + 1 }, (_, i) => first + i), `limit ${limit} after ${n} calls`);
        assert.equal(log.count(), seqs.length);
        assert.deepEqual(log.entries({ objectType: 'companies' as never }).map((e) => e.seq), seqs.filter((s) => s % 2 === 1));
      }
      log.clear();
      assert.deepEqual(log.entries(), []);
      log.record(entry(1));
      assert.equal(log.count(), 1);
    }
  });

  test('entries are copies; the stored entry is the one record() hands back', () => {
    const log = new RequestLog(2);
    const stored = log.record(entry(1));
    stored.status = 200;
    const [copy] = log.entries();
    assert.equal(copy!.status, 200);
    copy!.status = 500;
    assert.equal(log.entries()[0]!.status, 200);
  });
});
