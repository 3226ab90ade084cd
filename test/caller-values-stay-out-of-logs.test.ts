// What a caller sends — a phone number, a tax id, an e-mail address in a variable or a
// literal — reaches the caller's own error message but never a log line: graphql-js
// quotes the values in its messages, and the gateway logs those messages. Found by an
// outside probe: one unknown field in a mutation's input put the whole input, tax id
// included, into the gateway's log. The same probe found an APQ hash mismatch answered as
// an internal error (logged with its stack) and a client hanging up mid-body logged as
// a failure; and answers carried no cache or sniffing policy.
import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger, redactCallerValues } from '../core/logger.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';

const PHONE = '+49 351 5550199';
const TAX_ID = 'DE123456789';
const EMAIL = 'jane.roe@example.com';

describe('caller values stay out of the gateway log', () => {
  let stack: TestStack;
  const lines: Array<Record<string, unknown>> = [];
  const text = () => lines.map((l) => JSON.stringify(l)).join('\n');
  let token: string;

  before(async () => {
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    stack = await startTestStack({ logger: createLogger('stack', 'info', sink) });
    token = await stack.token({ sub: 'log-probe', roles: ['sales_ops'] });
  });
  after(async () => {
    await stack?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(stack.urls.gateway, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body: JSON.stringify(body) });

  test("an input object with one unknown field: the caller's message names the field, the log line has the code and no value", async () => {
    lines.length = 0;
    const res = await post({
      query: 'mutation($in: AccountUpdateInput!) { updateAccount(id: "QWNjb3VudDpodWJzcG90OjIxMDQzMDAxNTAz", input: $in, idempotencyKey: "log-probe-1") { complete } }',
      variables: { in: { phone: PHONE, taxId: TAX_ID, name: EMAIL, notAField: 1 } },
    });
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    assert.equal(res.status, 400);
    assert.equal(body.errors[0]!.extensions.code, 'BAD_USER_INPUT');
    assert.match(body.errors[0]!.message, /notAField/);
    const line = lines.find((l) => l.msg === 'request error');
    assert.ok(line, text());
    assert.equal(line.code, 'BAD_USER_INPUT');
    assert.match(String(line.message), /^Variable "\$in" got invalid value \[redacted\]; Field "notAField" is not defined by type "AccountUpdateInput"/);
    for (const value of [PHONE, TAX_ID, EMAIL, '5550199']) assert.ok(!text().includes(value), `${value} is in the log: ${text()}`);
  });

  test('a string where an Int goes, and a string token in a query that does not parse: neither value is logged', async () => {
    lines.length = 0;
    const wrongType = await post({ query: 'query($n: Int) { orders(first: $n) { edges { node { number } } } }', variables: { n: `${EMAIL} ${PHONE}` } });
    assert.equal(wrongType.status, 400);
    const unparsable = await post({ query: `{ orders(first: 1) { edges { node { number } } } "${EMAIL}" }` });
    assert.equal(unparsable.status, 400);
    const errorLines = lines.filter((l) => l.msg === 'request error');
    assert.equal(errorLines.length, 2, text());
    for (const value of [EMAIL, PHONE]) assert.ok(!text().includes(value), `${value} is in the log: ${text()}`);
  });

  test('an APQ hash that does not match its query is the caller\'s BAD_REQUEST, logged as a request error, not an internal one', async () => {
    lines.length = 0;
    const res = await post({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: '00' } } });
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    assert.equal(res.status, 400);
    assert.equal(body.errors[0]!.extensions.code, 'BAD_REQUEST');
    assert.ok(!lines.some((l) => Number(l.level) >= 50), text());
  });

  test('a client that hangs up in the middle of its body is an info line, not an error', async () => {
    lines.length = 0;
    const { port } = new URL(stack.urls.gateway);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nauthorization: Bearer ${token}\r\ncontent-length: 1000\r\n\r\n{"query":`);
        setTimeout(() => (socket.destroy(), resolve()), 100);
      });
      socket.on('error', reject);
    });
    for (let i = 0; i < 50 && !lines.some((l) => l.msg === 'client closed the connection'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(lines.some((l) => l.msg === 'client closed the connection'), text());
    assert.ok(!lines.some((l) => Number(l.level) >= 50), text());
  });

  test('every answer, refusals included, is marked no-store and nosniff', async () => {
    const ok = await postGraphQL(stack.urls.gateway, '{ __typename }', {}, { authorization: `Bearer ${token}` });
    const refused = await fetch(stack.urls.gateway, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    assert.equal(refused.status, 401);
    for (const headers of [ok.headers, refused.headers]) {
      assert.equal(headers.get('cache-control'), 'no-store');
      assert.equal(headers.get('x-content-type-options'), 'nosniff');
    }
  });
});

describe('redactCallerValues', () => {
  test('keeps the names a message quotes from the schema and drops every value the caller sent', () => {
    const cases: Array<[string, string]> = [
      ['Variable "$in" got invalid value { phone: "+49 1", n: 2 }; Field "x" is not defined by type "In".', 'Variable "$in" got invalid value [redacted]; Field "x" is not defined by type "In".'],
      ['Variable "$in" got invalid value 12 at "in.limit"; Expected type "Float".', 'Variable "$in" got invalid value [redacted] at "in.limit"; Expected type "Float".'],
      ['Variable "$x" got invalid value "a \\" ; b"; Int cannot represent', 'Variable "$x" got invalid value [redacted]; Int cannot represent'],
      ['Syntax Error: Unexpected string "jane@example.com".', 'Syntax Error: Unexpected string "[redacted]".'],
      ['Expected value of type "[Int!]!", found "Jane".', 'Expected value of type "[Int!]!", found "[redacted]".'],
      ['String cannot represent a non string value: 123', 'String cannot represent a non string value: [redacted]'],
      ['Cannot query field "ordr" on type "Query". Did you mean "order"?', 'Cannot query field "ordr" on type "Query". Did you mean "order"?'],
      ['Some message quoting "two words" of a value', 'Some message quoting "[redacted]" of a value'],
    ];
    for (const [message, logged] of cases) assert.equal(redactCallerValues(message), logged);
  });
});
