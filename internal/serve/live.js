// Live reload for "marketplace serve"; never part of a built site.
//
// One tab per browser holds the EventSource (a Web Lock elects it) and
// passes events to the others over a BroadcastChannel, so any number of
// tabs use one of the six HTTP/1.1 connections a browser allows per host.
// Text from the server reaches the page through textContent only.
(() => {
  'use strict';
  const script = document.currentScript;
  const NAME = 'marketplace-live';
  let built = Number(script && script.dataset.build) || 0; // the build this page came from
  const etag = (script && script.dataset.etag) || '';
  let lastSeq = 0;
  let dismissed = 0; // the failed build whose overlay was closed

  // Keep the scroll position across our own reloads.
  const scrollKey = NAME + ':scroll:' + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved) {
    sessionStorage.removeItem(scrollKey);
    try {
      const {x, y} = JSON.parse(saved);
      const restore = () => window.scrollTo(x, y);
      restore();
      addEventListener('load', restore, {once: true});
    } catch (e) { /* an old or foreign value */ }
  }

  function reload() {
    sessionStorage.setItem(scrollKey, JSON.stringify({x: scrollX, y: scrollY}));
    location.reload();
  }

  // samePage: the page a changed URL names is this one.
  function samePage(u) {
    const here = location.pathname;
    return u === here || u === here + '/' || u + 'index.html' === here;
  }

  // pageChanged asks the server whether this page's bytes differ from
  // those it was served with (after missed events).
  async function pageChanged() {
    try {
      const r = await fetch(location.href, {method: 'HEAD', cache: 'no-store'});
      return r.headers.get('ETag') !== etag;
    } catch (e) {
      return false;
    }
  }

  function swapStyles(urls, seq) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const u = new URL(link.href, location.href);
      if (u.origin === location.origin && urls.includes(u.pathname)) {
        u.searchParams.set('v', String(seq));
        link.href = u.pathname + u.search;
      }
    }
  }

  async function onStatus(st) {
    // A follower's fetch of the status can answer after the stream has
    // told of a newer build: a stale answer must not hide its overlay.
    if (st.seq < lastSeq) return;
    lastSeq = st.seq;
    if (st.ok || !st.text) hideOverlay(); else showOverlay(st);
    if (st.good > built && (built === 0 || await pageChanged())) reload();
  }

  async function onBuild(ev) {
    const gap = lastSeq > 0 && ev.seq > lastSeq + 1;
    lastSeq = Math.max(lastSeq, ev.seq);
    if (!ev.ok) {
      showOverlay(ev);
      return;
    }
    hideOverlay();
    const changed = ev.changed || [];
    if (built === 0 || changed.some(samePage) || (gap && await pageChanged())) {
      reload();
      return;
    }
    const css = changed.filter(u => u.endsWith('.css'));
    if (css.length) swapStyles(css, ev.seq);
    built = ev.good;
  }

  function handle(msg) {
    if (msg.kind === 'status') onStatus(msg.data);
    else if (msg.kind === 'build') onBuild(msg.data);
  }

  // The overlay lives in a shadow root: the site's styles cannot reach it.
  function showOverlay(st) {
    if (st.seq === dismissed) return;
    let host = document.getElementById('marketplace-overlay');
    if (!host) {
      host = document.createElement('div');
      host.id = 'marketplace-overlay';
      host.attachShadow({mode: 'open'});
      document.body.append(host);
    }
    const root = host.shadowRoot;
    root.replaceChildren();
    const style = document.createElement('style');
    style.textContent = `
      .box{position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:2147483647;
        background:#1b1b1f;color:#f2f2f2;border:2px solid #e5534b;border-radius:8px;
        box-shadow:0 8px 32px rgba(0,0,0,.45);font:14px/1.45 system-ui,sans-serif;padding:.75rem 1rem}
      .head{display:flex;gap:1rem;align-items:baseline;justify-content:space-between}
      h2{font-size:15px;margin:0;color:#ff938a}
      p{margin:.25rem 0 .5rem;color:#c9c9cf}
      pre{margin:0;white-space:pre-wrap;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
      button{background:none;border:1px solid #777;color:inherit;border-radius:4px;cursor:pointer;padding:.1rem .5rem}`;
    const box = document.createElement('div');
    box.className = 'box';
    box.setAttribute('role', 'alert');
    const head = document.createElement('div');
    head.className = 'head';
    const h = document.createElement('h2');
    h.textContent = `Build failed: ${st.errors} ${st.errors === 1 ? 'error' : 'errors'}`;
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Hide';
    close.addEventListener('click', () => { dismissed = st.seq; hideOverlay(); });
    head.append(h, close);
    const p = document.createElement('p');
    p.textContent = st.good > 0
      ? 'This page shows the last good version. Fix the file and save: the page updates by itself.'
      : 'Nothing has built yet. Fix the file and save: the page updates by itself.';
    const pre = document.createElement('pre');
    pre.textContent = st.text;
    box.append(head, p, pre);
    root.append(style, box);
  }

  function hideOverlay() {
    const host = document.getElementById('marketplace-overlay');
    if (host) host.remove();
  }

  const channel = 'BroadcastChannel' in self ? new BroadcastChannel(NAME) : null;

  function connect() {
    const es = new EventSource('/__marketplace/events');
    const deliver = kind => e => {
      const msg = {kind, data: JSON.parse(e.data)};
      handle(msg);
      if (channel) channel.postMessage(msg);
    };
    es.addEventListener('status', deliver('status'));
    es.addEventListener('build', deliver('build'));
    return es;
  }

  if (channel && navigator.locks) {
    channel.onmessage = e => handle(e.data);
    // Followers learn the current state once; the leader from its stream.
    fetch('/__marketplace/status', {cache: 'no-store'})
      .then(r => r.json()).then(st => onStatus(st)).catch(() => {});
    // The lock is held until the tab goes away; then the next tab waiting
    // for it connects.
    navigator.locks.request(NAME, () => new Promise(() => { connect(); }));
  } else {
    connect();
  }
})();
