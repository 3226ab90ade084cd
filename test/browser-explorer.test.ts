// The browser explorer in headless Chromium: the page and everything it needs come
// from the gateway (any request to another host fails the test), a token pasted
// once is kept and sent as Authorization, and a query returns data. A production
// gateway does not serve it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startTestStack, type TestStack } from './support/stack.ts';
import { TOKEN_STORAGE_KEY } from '../gateway/explorer.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

describe('the browser explorer', () => {
  let stack: TestStack;
  let browser: Browser;
  let origin: string;
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
    stack = await startTestStack();
    origin = new URL(stack.urls.gateway).origin;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('loads with no outside request, and a query with a pasted token returns data', async () => {
    const context = await browser.newContext();
    const outside: string[] = [];
    const failed: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLoopback(url)) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/graphql')) failed.push(`${r.status()} ${r.url()}`);
    });
    const query = 'query OrderStatus($number: String!) { order(number: $number) { number state account { name } } }';
    const orderNumber = stack.world.demo.orderNumber;
    await page.goto(`${origin}/explorer?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ number: orderNumber }))}`);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });

    const token = await stack.token({ sub: 'explorer-user', roles: ['sales_rep'] });
    await page.fill('#token', `Bearer ${token}`);
    await page.click('#token-save');
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
    const answer = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('OrderStatus'));
    await page.click('.graphiql-execute-button');
    const response = await answer;
    assert.equal(response.request().headers().authorization, `Bearer ${token}`, 'the pasted token is sent as Authorization');
    const body = await response.json();
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data.order.number, orderNumber);
    assert.ok(body.data.order.account.name, 'the account name comes from the CRM');
    await page.waitForFunction((n) => document.querySelector('.result-window')?.textContent?.includes(n), orderNumber, { timeout: 30_000 });

    assert.equal(await page.evaluate((k) => localStorage.getItem(k), TOKEN_STORAGE_KEY), token, 'the token is kept in this page\'s storage');
    await page.reload();
    assert.equal(await page.inputValue('#token'), token, 'a reload keeps the token');

    assert.deepEqual(outside, [], 'requests to hosts other than the gateway');
    assert.deepEqual(failed, [], 'assets that failed to load');
    assert.deepEqual(pageErrors, [], 'errors in the page');
    await context.close();
  });

  test('a production gateway does not serve it', async () => {
    const prod = await startTestStack({ production: true });
    try {
      const res = await fetch(`${new URL(prod.urls.gateway).origin}/explorer`);
      assert.equal(res.status, 404);
      await res.body?.cancel();
    } finally {
      await prod.close();
    }
  });
});
