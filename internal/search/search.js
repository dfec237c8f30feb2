// search.js: the browser client of the index written by internal/search (Go);
// the Go package comment documents the files. No dependencies, no build step.
// tokenize and stem repeat tokenize.go step by step; the Go tests hold them equal.

const STOP = new Set('a an and are as at be been but by can do does for from had has have how i if in into is it its me my no not of on or our so than that the their them then there these they this those to too us was we were what when where which who why will with would you your'.split(' '));
const WORD = /[\p{L}\p{N}\p{Mc}]/u, LETTER = /\p{L}/u, SKIP = /[\p{Mn}'\u2019]/u;
const OPEN = /[\p{L}\p{N}\p{M}'\u2019]$/u; // the last word may still be typed
const SCALE = 10, PREFIX_FACTOR = 0.7, PREFIX_TERMS = 24, PREFIX_SHARDS = 2, MAX_WORDS = 8;

export function stem(w) {
  if (!/^[a-z]{4,}$/.test(w)) return w;
  const has = s => w.endsWith(s), cut = k => w.slice(0, w.length - k);
  const undouble = s => s.length >= 4 && s.at(-1) === s.at(-2) && !'aeiouylsz'.includes(s.at(-1)) ? s.slice(0, -1) : s;
  const n = w.length;
  if (has('ies') && n > 4) w = cut(3) + 'y';
  else if (has('sses')) w = cut(2);
  else if (n > 4 && /(x|ch|sh|z)es$/.test(w)) w = cut(2);
  else if (has('s') && !has('ss') && !has('us')) w = cut(1);
  const m = w.length;
  if (has('ied') && m > 4) return cut(3) + 'y';
  if (has('ing') && m >= 6 && /[aeiouy]/.test(cut(3))) return undouble(cut(3));
  if (has('ed') && m >= 5 && /[aeiouy]/.test(cut(2))) return undouble(cut(2));
  return m > 3 && has('e') ? cut(1) : w;
}

// tokenize returns [{t: term, r: word before stemming}]; .last is the last
// word of the text even when it was dropped.
export function tokenize(text, query = false) {
  const cs = Array.from(String(text).normalize('NFKD')), out = [];
  let parts = [], all = true, cur = '', letter = false;
  const word = w => { if (Array.from(w).length >= 2 && !STOP.has(w)) out.push({ t: stem(w), r: w }); };
  for (let i = 0; ; i++) {
    const c = cs[i];
    if (c !== undefined && SKIP.test(c)) continue;
    if (c !== undefined && WORD.test(c)) { cur += c.toLowerCase(); letter ||= LETTER.test(c); continue; }
    if (cur) {
      if (letter && Array.from(cur).length === 1) {
        if (c === '+' && cs[i + 1] === '+') cur += 'pp';
        else if (c === '#') cur += 'sharp';
      }
      parts.push(cur);
      all &&= letter;
      cur = '';
      letter = false;
      if (c === '-' && i + 1 < cs.length && WORD.test(cs[i + 1])) continue;
    }
    if (parts.length) {
      const join = parts.length > 1 && all ? parts.join('') : '';
      if (!query || !join) parts.forEach(word);
      if (join) word(join);
      out.last = join || parts.at(-1);
    }
    parts = [];
    all = true;
    if (c === undefined) return out;
  }
}

const files = new Map(); // name → Promise of the parsed file, kept for the page's life

function load(name, parse = x => x) {
  let p = files.get(name);
  if (!p) {
    // The manifest is revalidated so a deploy is seen; the rest carry ?v=build.
    p = fetch(new URL(name, import.meta.url), name === 'manifest.json' ? { cache: 'no-cache' } : {}).then(r => {
      if (!r.ok) throw new Error(`search: ${name}: HTTP ${r.status}`);
      return r.json();
    }).then(parse);
    files.set(name, p);
    p.catch(() => files.delete(name)); // let a later query retry
  }
  return p;
}

const num = i => String(i).padStart(3, '0');

function shardOf(m, t) { // the last shard whose first term is <= t
  let lo = 0, hi = m.shards.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (m.shards[mid] <= t) lo = mid; else hi = mid - 1;
  }
  return lo;
}

export async function search(query, { limit = 10 } = {}) {
  const toks = tokenize(query, true), open = OPEN.test(query), groups = [], seen = new Set();
  toks.forEach((k, i) => {
    const p = open && i === toks.length - 1 && k.r === toks.last ? k.r : '';
    if (!seen.has(k.t + ' ' + p)) { seen.add(k.t + ' ' + p); groups.push({ t: k.t, p }); }
  });
  if (!groups.length) return [];
  if (groups.length > MAX_WORDS) groups.splice(MAX_WORDS - 1, groups.length - MAX_WORDS); // a pasted paragraph must not fetch every shard
  const m = await load('manifest.json');
  if (!m.shards.length) return [];
  const need = new Set();
  for (const g of groups) {
    need.add(shardOf(m, g.t));
    if (g.p) {
      g.lo = shardOf(m, g.p);
      g.hi = Math.min(shardOf(m, g.p + '\uffff'), g.lo + PREFIX_SHARDS - 1);
      for (let s = g.lo; s <= g.hi; s++) need.add(s);
    }
  }
  const shards = new Map(await Promise.all([...need].map(async s =>
    [s, await load(`terms-${num(s)}.json?v=${m.build}`, a => new Map(a))])));

  const idf = df => Math.log(1 + (m.docs - df + 0.5) / (df + 0.5));
  const scores = groups.map(g => { // doc → best score of the group's terms
    const lists = [], best = new Map();
    const exact = shards.get(shardOf(m, g.t)).get(g.t);
    if (exact) lists.push([exact, 1]);
    if (g.p) {
      const more = [];
      for (let s = g.lo; s <= g.hi; s++) {
        for (const [t, l] of shards.get(s)) if (t !== g.t && t.startsWith(g.p)) more.push([t, l]);
      }
      more.sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
      for (const [, l] of more.slice(0, PREFIX_TERMS)) lists.push([l, PREFIX_FACTOR]);
    }
    for (const [l, f] of lists) {
      const k = idf(l.length / 2) * f / SCALE;
      for (let i = 0, d = 0; i < l.length; i += 2) {
        d += l[i];
        if (!(best.get(d) >= k * l[i + 1])) best.set(d, k * l[i + 1]);
      }
    }
    return best;
  });

  let hits = []; // [doc, words matched, score]
  const [first, ...rest] = [...scores].sort((a, b) => a.size - b.size);
  for (const [d, s] of first) {
    let sum = s;
    for (const g of rest) { const v = g.get(d); if (v === undefined) { sum = -1; break; } sum += v; }
    if (sum >= 0) hits.push([d, scores.length, sum]);
  }
  if (!hits.length) { // no document has every word: rank by words matched
    const any = new Map();
    for (const g of scores) for (const [d, s] of g) { const h = any.get(d) || [d, 0, 0]; h[1]++; h[2] += s; any.set(d, h); }
    hits = [...any.values()];
  }
  hits = hits.sort((a, b) => b[1] - a[1] || b[2] - a[2] || a[0] - b[0]).slice(0, limit);

  const chunk = d => Math.floor(d / m.chunkSize);
  const docs = new Map(await Promise.all([...new Set(hits.map(h => chunk(h[0])))].map(async c =>
    [c, await load(`docs-${num(c)}.json?v=${m.build}`)])));
  const root = new URL('../', import.meta.url);
  return hits.map(([d, , score]) => {
    const [url, title, section, summary, kind] = docs.get(chunk(d))[d % m.chunkSize];
    return { url: new URL(url, root).href, title, section, summary, kind, score: Math.round(score * 1000) / 1000 };
  });
}

// attach turns inputEl into a combobox whose results render as a listbox in
// resultsEl, with a live "N results" status, debouncing and ↑ ↓ Enter Escape.
export function attach(input, results, { limit = 10, delay = 120 } = {}) {
  const doc = input.ownerDocument, id = (input.id || 'search') + '-results';
  const el = (tag, cls, text) => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text; // results are data, never markup
    return e;
  };
  const list = el('ul', 'search-results'), status = el('p', 'search-status');
  list.id = id;
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  results.replaceChildren(status, list);
  const attrs = { role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': id, autocomplete: 'off' };
  for (const [k, v] of Object.entries(attrs)) input.setAttribute(k, v);

  let timer, seq = 0, active = -1, items = [], links = [];
  const select = i => {
    active = i;
    items.forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i < 0) return input.removeAttribute('aria-activedescendant');
    input.setAttribute('aria-activedescendant', items[i].id);
    items[i].scrollIntoView?.({ block: 'nearest' });
  };
  const show = (hits, msg) => {
    links = hits.map(h => { const a = el('a', null, h.title); a.href = h.url; a.tabIndex = -1; return a; });
    items = hits.map((h, i) => {
      const li = el('li');
      li.id = `${id}-${i}`;
      li.setAttribute('role', 'option');
      li.append(links[i], el('span', 'search-section', h.section), el('span', 'search-summary', h.summary));
      return li;
    });
    list.replaceChildren(...items);
    list.hidden = !items.length;
    input.setAttribute('aria-expanded', String(items.length > 0));
    select(-1);
    status.textContent = msg;
  };
  const update = async () => {
    clearTimeout(timer);
    const q = input.value, my = ++seq;
    if (!q.trim()) return show([], '');
    try {
      const hits = await search(q, { limit });
      if (my === seq) show(hits, hits.length === 1 ? '1 result' : `${hits.length} results`);
    } catch {
      if (my === seq) show([], 'Search is unavailable');
    }
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(update, delay); });
  input.addEventListener('keydown', e => {
    const n = items.length;
    if (e.key === 'ArrowDown' && n) select((active + 1) % n);
    else if (e.key === 'ArrowUp' && n) select(active <= 0 ? n - 1 : active - 1);
    else if (e.key === 'Enter' && active >= 0) links[active].click();
    else if (e.key === 'Escape' && (n || status.textContent)) { seq++; clearTimeout(timer); show([], ''); }
    else if (e.key === 'Escape') input.value = '';
    else return;
    e.preventDefault();
  });
  return { update };
}
