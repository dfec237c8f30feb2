// Behaviour tests for search.js, run by TestClientInNode (js_test.go), which
// writes an index to $SEARCH_SITE and the Go tokenizer's answers to
// $SEARCH_TOKENS. fetch is replaced by a reader of that directory that
// records what the client downloads; the DOM by a few plain objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const site = process.env.SEARCH_SITE;
const fetched = [];
globalThis.fetch = async url => {
  const u = new URL(url);
  assert.equal(u.protocol, 'file:', `fetch of ${url} left the site`);
  fetched.push(u.pathname.split('/').pop());
  u.search = '';
  try {
    const text = await readFile(fileURLToPath(u), 'utf8');
    return { ok: true, status: 200, json: async () => JSON.parse(text) };
  } catch {
    return { ok: false, status: 404, json: async () => { throw new Error('not found'); } };
  }
};

const client = pathToFileURL(join(site, 'search', 'search.js')).href;
const { search, tokenize, attach } = await import(client);
const siteURL = path => new URL(path, pathToFileURL(join(site, '/'))).href;
const titles = hits => hits.map(h => h.title);

test('the first query fetches the manifest, one shard and one docs chunk', async () => {
  const hits = await search('kestrel');
  assert.deepEqual(titles(hits), ['Kestrel Vault']);
  assert.equal(fetched[0], 'manifest.json');
  assert.equal(fetched.filter(f => f.startsWith('terms-')).length, 1, fetched.join(' '));
  assert.equal(fetched.filter(f => f.startsWith('docs-')).length, 1, fetched.join(' '));
  const n = fetched.length;
  await search('kestrel');
  assert.equal(fetched.length, n, 'a repeated query fetched again');
});

test('results carry the documented fields', async () => {
  const [k] = await search('kestrel');
  assert.deepEqual(Object.keys(k), ['url', 'title', 'section', 'summary', 'kind', 'score']);
  assert.equal(k.url, siteURL('/partners/kestrel/'));
  assert.equal(k.kind, 'partner');
  assert.equal(k.section, 'Kestrel Vault');
  assert.ok(k.score > 0);
  const [rel] = await search('rotating');
  assert.equal(rel.url, siteURL('kb/security/rotate-keys/'), 'a relative URL resolves against the site root');
});

test('a title match ranks first', async () => {
  const hits = await search('restore');
  assert.deepEqual(titles(hits), ['Restore a backup', 'Snapshot schedules']);
  assert.ok(hits[0].score > hits[1].score);
});

test('the last word is a prefix while it is being typed', async () => {
  assert.equal((await search('kest'))[0]?.title, 'Kestrel Vault');
  assert.equal((await search('Kest'))[0]?.title, 'Kestrel Vault');
  assert.deepEqual(await search('kest '), [], 'a finished word is not a prefix');
  assert.equal((await search('encryption ke'))[0]?.title, 'Rotating encryption keys');
  assert.deepEqual(await search('k'), [], 'one letter waits for the second');
});

test('all words must match, else any word does', async () => {
  assert.deepEqual(titles(await search('snapshot schedules')), ['Snapshot schedules']);
  const or = titles(await search('snapshot kestrel '));
  assert.equal(or.length, 3, or.join(' | '));
  assert.ok(or.includes('Kestrel Vault') && or.includes('Restore a backup'));
  assert.deepEqual(await search('nosuchword'), []);
});

test('tricky words find their documents', async () => {
  for (const [q, title] of [
    ['e-mail', 'E-mail alerts for failed logins'],
    ['email', 'E-mail alerts for failed logins'],
    ['C++', 'Building the agent with C++'],
    ['c#', 'Building the agent with C++'],
    ['ipv6 2fa', 'E-mail alerts for failed logins'],
    ['uber', 'Rotating encryption keys'],
    ['ÜBER-ADMINS', 'Rotating encryption keys'],
  ]) assert.equal((await search(q))[0]?.title, title, q);
  // The stemmer meets "backups" and "backup"; the partner's boost of 2
  // lifts its body match over the article's title match.
  assert.deepEqual(titles(await search('backups')).slice(0, 2), ['Kestrel Vault', 'Restore a backup']);
});

test('shards are cut in the order JavaScript compares strings', async () => {
  const read = async name => JSON.parse(await readFile(join(site, 'search', name), 'utf8'));
  const m = await read('manifest.json');
  assert.ok(m.shards.length > 5, 'the test index should have many shards');
  for (let i = 0; i < m.shards.length; i++) {
    const terms = (await read(`terms-${String(i).padStart(3, '0')}.json`)).map(e => e[0]);
    assert.equal(terms[0], m.shards[i]);
    for (let j = 1; j < terms.length; j++) assert.ok(terms[j - 1] < terms[j], `${terms[j - 1]} < ${terms[j]}`);
    if (i + 1 < m.shards.length) assert.ok(terms.at(-1) < m.shards[i + 1], `shard ${i} overlaps the next`);
  }
  assert.equal((await search('\u{20000}\u{20000}'))[0]?.title, 'Astral');
  assert.equal((await search('\uFA0E\uFA0E'))[0]?.title, 'Astral');
});

test('stop words alone find nothing and fetch nothing', async () => {
  const n = fetched.length;
  assert.deepEqual(await search('the and of '), []);
  assert.deepEqual(await search(''), []);
  assert.equal(fetched.length, n);
});

test('limit', async () => {
  assert.equal((await search('backup', { limit: 1 })).length, 1);
  assert.ok((await search('backup')).length > 1);
});

test('Go and JS tokenizers agree', async () => {
  const cases = JSON.parse(await readFile(process.env.SEARCH_TOKENS, 'utf8'));
  assert.ok(cases.length > 400);
  for (const c of cases) {
    assert.deepEqual(tokenize(c.in).map(k => k.t), c.index, `index ${c.name}: ${JSON.stringify(c.in)}`);
    assert.deepEqual(tokenize(c.in, true).map(k => k.t), c.query, `query ${c.name}: ${JSON.stringify(c.in)}`);
  }
});

// A DOM of plain objects: just what attach touches.
class El {
  constructor(tag) { Object.assign(this, { tagName: tag, children: [], attrs: {}, on: {}, textContent: '', hidden: false }); }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  getAttribute(k) { return this.attrs[k] ?? null; }
  removeAttribute(k) { delete this.attrs[k]; }
  append(...c) { this.children.push(...c); }
  replaceChildren(...c) { this.children = c; }
  addEventListener(type, f) { (this.on[type] ??= []).push(f); }
  fire(type, props = {}) {
    const e = { ...props, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    for (const f of this.on[type] ?? []) f(e);
    return e;
  }
  click() { this.clicked = true; }
}
const created = [];
const document = { createElement: tag => { const e = new El(tag); created.push(e); return e; } };

test('attach renders an accessible, escaped result list', async () => {
  const input = Object.assign(new El('input'), { id: 'site-search', value: '', ownerDocument: document });
  const box = new El('div');
  const ui = attach(input, box, { delay: 5 });
  const [status, list] = box.children;
  assert.equal(input.getAttribute('role'), 'combobox');
  assert.equal(input.getAttribute('aria-controls'), list.id);
  assert.equal(list.getAttribute('role'), 'listbox');
  assert.equal(status.getAttribute('aria-live'), 'polite');

  input.value = 'restore';
  input.fire('input');
  assert.equal(list.children.length, 0, 'debounced: nothing yet');
  await new Promise(r => setTimeout(r, 50));
  assert.equal(list.children.length, 2);
  assert.equal(status.textContent, '2 results');
  assert.equal(input.getAttribute('aria-expanded'), 'true');
  assert.equal(list.children[0].children[0].textContent, 'Restore a backup');
  assert.equal(list.children[0].children[0].href, siteURL('/kb/backup/restore-a-backup/'));

  const key = k => input.fire('keydown', { key: k });
  assert.ok(key('ArrowDown').defaultPrevented);
  assert.equal(input.getAttribute('aria-activedescendant'), list.children[0].id);
  assert.equal(list.children[0].getAttribute('aria-selected'), 'true');
  key('ArrowDown');
  key('ArrowDown');
  assert.equal(input.getAttribute('aria-activedescendant'), list.children[0].id, 'wraps around');
  key('ArrowUp');
  assert.equal(input.getAttribute('aria-activedescendant'), list.children[1].id);
  assert.ok(key('Enter').defaultPrevented);
  assert.ok(list.children[1].children[0].clicked, 'Enter follows the active link');
  assert.ok(!key('a').defaultPrevented);

  assert.ok(key('Escape').defaultPrevented);
  assert.equal(list.children.length, 0);
  assert.ok(list.hidden);
  assert.equal(input.getAttribute('aria-expanded'), 'false');
  assert.equal(input.getAttribute('aria-activedescendant'), null);
  assert.equal(input.value, 'restore');
  key('Escape');
  assert.equal(input.value, '', 'a second Escape clears the field');

  input.value = 'markup titles';
  await ui.update();
  assert.equal(status.textContent, '1 result');
  const [a, section] = list.children[0].children;
  assert.equal(a.textContent, '<img src=x onerror="alert(1)">');
  assert.equal(section.textContent, 'Networking & <b>DNS</b>');
  assert.deepEqual([...new Set(created.map(e => e.tagName))].sort(), ['a', 'li', 'p', 'span', 'ul']);

  input.value = 'nosuchword';
  await ui.update();
  assert.equal(status.textContent, '0 results');
  assert.ok(list.hidden);
});
