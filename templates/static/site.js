// Small enhancements for every page. Each one is optional: the pages work
// without this script.

// Search: every input with data-search-results becomes a live search box.
// search.js sits at <base>/search/, beside this file's <base>/assets/.
const boxes = [...document.querySelectorAll('input[data-search-results]')];
if (boxes.length) {
  import(new URL('../search/search.js', import.meta.url).href).then(({ attach }) => {
    for (const input of boxes) {
      const results = document.getElementById(input.dataset.searchResults);
      if (!results) continue;
      const { update } = attach(input, results);
      // Enter with nothing selected opens the first result rather than the KB home.
      input.form?.addEventListener('submit', (e) => {
        const first = results.querySelector('a[href]');
        if (first) { e.preventDefault(); location.href = first.href; }
      });
      if (input.value) update();
    }
  }).catch(() => { /* no index: the form still leads to the KB */ });
}

// "/" focuses the search box unless the reader is typing somewhere.
addEventListener('keydown', (e) => {
  const search = document.getElementById('site-search');
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || !search) return;
  const t = e.target;
  if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
  e.preventDefault();
  search.focus();
});

// Table of contents: mark the section being read.
const toc = document.querySelector('.toc-side');
if (toc && 'IntersectionObserver' in window) {
  const links = new Map([...toc.querySelectorAll('a[href^="#"]')].map((a) => [decodeURIComponent(a.hash.slice(1)), a]));
  const heads = [...links.keys()].map((id) => document.getElementById(id)).filter(Boolean);
  const visible = new Set();
  const mark = () => {
    const current = heads.find((h) => visible.has(h)) ?? null;
    for (const [id, a] of links) {
      if (current && id === current.id) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    }
  };
  const io = new IntersectionObserver((entries) => {
    for (const en of entries) en.isIntersecting ? visible.add(en.target) : visible.delete(en.target);
    if (visible.size) mark();
  }, { rootMargin: '-80px 0px -60% 0px' });
  heads.forEach((h) => io.observe(h));
}

// Copy buttons on code blocks.
if (navigator.clipboard) {
  for (const pre of document.querySelectorAll('.prose pre')) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'copy-code';
    b.textContent = 'Copy';
    b.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(pre.querySelector('code')?.innerText ?? pre.innerText);
        b.textContent = 'Copied';
      } catch { b.textContent = 'Copy failed'; }
      setTimeout(() => { b.textContent = 'Copy'; }, 1500);
    });
    pre.append(b);
  }
}
