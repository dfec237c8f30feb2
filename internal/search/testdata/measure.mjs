// Run by TestFirstQueryBudget (corpus_test.go): for each query in
// $SEARCH_QUERIES, loads a fresh copy of search.js (so nothing is cached)
// against the index in $SEARCH_SITE and prints which files it fetched.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const site = process.env.SEARCH_SITE;
let fetched = [];
globalThis.fetch = async url => {
  const u = new URL(url);
  u.search = '';
  fetched.push(u.pathname.slice(u.pathname.lastIndexOf('/search/') + 1));
  const text = await readFile(fileURLToPath(u), 'utf8');
  return { ok: true, status: 200, json: async () => JSON.parse(text) };
};
const out = [];
for (const [i, query] of JSON.parse(process.env.SEARCH_QUERIES).entries()) {
  fetched = [];
  const { search } = await import(`${pathToFileURL(join(site, 'search', 'search.js')).href}?fresh=${i}`);
  const hits = await search(query, { limit: 10 });
  out.push({ query, files: fetched, hits: hits.length, top: hits[0]?.title ?? '' });
}
console.log(JSON.stringify(out));
