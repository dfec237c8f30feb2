// Instant filters for the partner listing. The page is complete without
// this script; it only hides cards that do not match, and keeps the state
// in the query string (?tier=gold&category=backup&delivery=saas&q=vault)
// so a filtered view can be shared and restored.
const form = document.getElementById('partner-filters');
if (form) {
  const cards = [...document.querySelectorAll('.partner-card[data-tier]')];
  const groups = [...document.querySelectorAll('[data-group]')];
  const count = document.getElementById('result-count');
  const empty = document.getElementById('empty-state');
  const keys = ['tier', 'category', 'delivery'];
  const words = (s) => (s || '').toLowerCase().split(/\s+/).filter(Boolean);

  const restore = () => {
    const params = new URLSearchParams(location.search);
    for (const box of form.querySelectorAll('input[type=checkbox]')) {
      box.checked = params.getAll(box.name).includes(box.value);
    }
    form.elements.q.value = params.get('q') || '';
  };

  const apply = () => {
    const data = new FormData(form);
    const want = Object.fromEntries(keys.map((k) => [k, data.getAll(k)]));
    const q = words(data.get('q'));
    let shown = 0;
    for (const card of cards) {
      const cats = words(card.dataset.categories);
      const text = card.dataset.text || card.dataset.name || '';
      const ok =
        (!want.tier.length || want.tier.includes(card.dataset.tier)) &&
        (!want.category.length || want.category.some((c) => cats.includes(c))) &&
        (!want.delivery.length || want.delivery.includes(card.dataset.delivery)) &&
        q.every((w) => text.includes(w));
      card.hidden = !ok;
      if (ok) shown++;
    }
    for (const g of groups) g.hidden = !g.querySelector('.partner-card:not([hidden])');
    const noun = cards.length === 1 ? 'partner' : 'partners';
    count.textContent = shown === cards.length ? `${cards.length} ${noun}` : `${shown} of ${cards.length} ${noun}`;
    empty.hidden = shown > 0;
    const active = keys.reduce((n, k) => n + want[k].length, 0);
    if (badge) badge.textContent = active ? `(${active} selected)` : '';

    const params = new URLSearchParams();
    for (const k of keys) for (const v of want[k]) params.append(k, v);
    if (q.length) params.set('q', data.get('q').trim());
    const query = params.toString();
    const url = location.pathname + (query ? '?' + query : '') + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, '', url);
  };

  const panel = document.getElementById('filter-panel');
  const badge = document.getElementById('filter-active');
  restore();
  apply();
  // On a phone the checkboxes start folded unless a shared link set some.
  if (panel && matchMedia('(max-width: 48rem)').matches && !badge.textContent) panel.open = false;
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
  // reset fires before the controls are cleared
  form.addEventListener('reset', () => setTimeout(apply));
  document.getElementById('clear-filters')?.addEventListener('click', () => {
    form.reset();
    form.elements.q.focus();
  });
  addEventListener('popstate', () => { restore(); apply(); });
}
