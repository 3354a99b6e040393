// The ranking page of the rlhf4j workshop server (served at /, see index.html).
//
// An attendee joins with a name and the room's code, then ranks one task after another: a prompt and
// K completions, ordered best first by tapping them in order, by dragging them (SortableJS, by a
// handle, with a touch delay so phones still scroll), by the ▲/▼ buttons, or with the keyboard
// (number keys pick card N, "=" ties the last picked card with the one above it, Backspace undoes,
// Enter submits). A ranking is a list of groups of completion ids, best first; a group of several
// is a tie — exactly the body of POST /api/rankings.
//
// A submitted ranking is first written to localStorage with a client-made idempotency key, then
// posted; on a network error, 429 or 5xx it stays there and is posted again with backoff under the
// SAME key, so the server stores it once (it answers 200 with the same id for a repeated key).
//
// Everything the server sends is written with textContent, never innerHTML. No inline script or
// style: the server's Content-Security-Policy forbids them.
(function () {
  'use strict';

  const OUTBOX_KEY = 'rlhf4j.workshop.outbox.v1';
  const POLL_WAIT_MS = 3000;      // how often to ask for a task while there is none (204)
  const MAX_BACKOFF_S = 30;       // longest wait between two retries of an unsent ranking
  const MAX_OUTBOX = 100;         // kept rankings per device, oldest dropped beyond this

  const $ = (id) => document.getElementById(id);

  const state = {
    me: null,            // {rater, name, ranked} from /api/join or /api/me
    task: null,          // the task shown: {task, round, promptId, prompt, completions, ranked}
    order: [],           // completion ids in the order shown, best first
    placed: 0,           // the first `placed` cards of `order` were put there by the person
    ties: new Set(),     // ids of cards tied with the card just above them
    last: null,          // the card picked or moved last (the one "=" ties)
    history: [],         // snapshots for undo
    cards: new Map(),    // completion id -> <li>
    labels: new Map(),   // completion id -> the card's number, 1..K in the server's order
    view: 'loading',     // loading | join | rank | wait
    pollTimer: null,
    retryTimer: null,
    retryAt: 0,
    flushing: Promise.resolve(),
    sortable: null,
  };

  // ---------------------------------------------------------------- HTTP

  /** fetch with JSON in and out; resolves to {status, data, retryAfter}, rejects on a network error. */
  async function api(method, path, body) {
    const init = {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' },
    };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let data = null;
    const type = response.headers.get('Content-Type') || '';
    if (response.status !== 204 && type.includes('json')) {
      try {
        data = await response.json();
      } catch (e) {
        data = null;
      }
    }
    const retryAfter = parseInt(response.headers.get('Retry-After') || '', 10);
    return { status: response.status, data, retryAfter: Number.isFinite(retryAfter) ? retryAfter : null };
  }

  /** The server's one-line reason, or a fallback. */
  function reason(result, fallback) {
    return result && result.data && typeof result.data.error === 'string' ? result.data.error : fallback;
  }

  // ---------------------------------------------------------------- views and messages

  function show(view) {
    state.view = view;
    $('loading').hidden = view !== 'loading';
    $('join').hidden = view !== 'join';
    $('rank').hidden = view !== 'rank';
    $('wait').hidden = view !== 'wait';
  }

  /** Says `text` in the role="status" live region (cleared first so a repeat is announced again). */
  function announce(text) {
    const live = $('live');
    live.textContent = '';
    window.setTimeout(() => { live.textContent = text; }, 30);
  }

  function setError(text) {
    $('error').textContent = text || '';
  }

  function setSync(text, kind) {
    const sync = $('sync');
    sync.textContent = text || '';
    sync.hidden = !text;
    sync.className = 'sync' + (kind ? ' ' + kind : '');
  }

  function updateCount() {
    if (!state.me) return;
    $('who').hidden = false;
    $('who-name').textContent = state.me.name;
    $('ranked-count').textContent = String(state.me.ranked || 0);
    const pending = pendingItems().length;
    $('pending-count').textContent = pending > 0 ? ' (+' + pending + ' not sent yet)' : '';
  }

  // ---------------------------------------------------------------- joining

  async function start() {
    const params = new URLSearchParams(window.location.search);
    const code = params.get('code');
    if (code) $('join-code').value = code;
    $('join-form').addEventListener('submit', onJoin);
    $('undo').addEventListener('click', undo);
    $('skip').addEventListener('click', skip);
    $('submit').addEventListener('click', submit);
    document.addEventListener('keydown', onKey);
    window.addEventListener('online', () => flushOutbox());
    try {
      const me = await api('GET', '/api/me');
      if (me.status === 200 && me.data) {
        joined(me.data);
        return;
      }
    } catch (e) {
      // fall through to the join form; joining will say what is wrong with the network
    }
    showJoin();
  }

  function showJoin() {
    show('join');
    $('who').hidden = true;
    const name = $('join-name');
    if (!name.value) name.focus();
  }

  async function onJoin(event) {
    event.preventDefault();
    const name = $('join-name').value.trim();
    const code = $('join-code').value.trim();
    const error = $('join-error');
    if (!name) {
      error.textContent = 'Please type a name (it is shown on the projector).';
      $('join-name').focus();
      return;
    }
    if (!code) {
      error.textContent = 'Please type the workshop code from the projector.';
      $('join-code').focus();
      return;
    }
    error.textContent = '';
    $('join-button').disabled = true;
    try {
      const result = await api('POST', '/api/join', { name, code });
      if (result.status === 201 || result.status === 200) {
        joined(result.data);
      } else if (result.status === 403) {
        error.textContent = reason(result, 'That code is not this workshop\'s code.');
      } else if (result.status === 429) {
        error.textContent = 'Too many tries; wait a few seconds and join again.';
      } else {
        error.textContent = reason(result, 'Could not join (HTTP ' + result.status + ').');
      }
    } catch (e) {
      error.textContent = 'Cannot reach the workshop server. Check the Wi-Fi and try again.';
    } finally {
      $('join-button').disabled = false;
    }
  }

  function joined(me) {
    state.me = { rater: me.rater, name: me.name, ranked: me.ranked || 0 };
    $('join-error').textContent = '';
    updateCount();
    announce('Joined as ' + me.name + '.');
    flushOutbox().then(loadTask);
  }

  // ---------------------------------------------------------------- tasks

  function schedulePoll(ms) {
    window.clearTimeout(state.pollTimer);
    state.pollTimer = window.setTimeout(loadTask, ms);
  }

  async function loadTask() {
    window.clearTimeout(state.pollTimer);
    let result;
    try {
      result = await api('GET', '/api/task');
    } catch (e) {
      setError('Cannot reach the workshop server; trying again…');
      if (state.view !== 'rank') show(state.me ? 'wait' : 'loading');
      schedulePoll(POLL_WAIT_MS);
      return;
    }
    if (result.status === 200 && result.data) {
      setError('');
      const task = result.data;
      if (typeof task.ranked === 'number' && state.me) {
        state.me.ranked = task.ranked;
        updateCount();
      }
      if (pendingItems().some((item) => item.task === task.task)) {
        // Our ranking of this task is not on the server yet; do not ask the person to rank it twice.
        showWait('Your last ranking is kept on this device and is being sent; the next task comes when the server has it.');
        schedulePoll(POLL_WAIT_MS);
        return;
      }
      if (!state.task || state.task.task !== task.task || state.view !== 'rank') showTask(task);
    } else if (result.status === 204) {
      setError('');
      state.task = null;
      showWait('You have ranked everything for now. New tasks appear here by themselves.');
      schedulePoll(POLL_WAIT_MS);
    } else if (result.status === 401) {
      state.me = null;
      state.task = null;
      showJoin();
    } else {
      setError(reason(result, 'The server could not give a task (HTTP ' + result.status + ')') + '; trying again…');
      schedulePoll(result.retryAfter ? result.retryAfter * 1000 : POLL_WAIT_MS);
    }
  }

  function showWait(text) {
    const waiting = state.view !== 'wait';
    $('wait-text').textContent = text;
    show('wait');
    if (waiting) announce('Waiting for the next round.');
  }

  function showTask(task) {
    state.task = task;
    state.order = task.completions.map((c) => c.id);
    state.placed = 0;
    state.ties = new Set();
    state.last = null;
    state.history = [];
    state.labels = new Map();
    task.completions.forEach((c, i) => state.labels.set(c.id, i + 1));
    $('prompt').textContent = task.prompt;
    $('rank').dataset.task = task.task;
    $('keys-k').textContent = String(task.completions.length);
    buildCards(task);
    render();
    show('rank');
    announce('New task: ' + task.prompt + ' … ' + task.completions.length
      + ' completions. Pick the best first.');
  }

  function buildCards(task) {
    const list = $('cards');
    list.replaceChildren();
    state.cards = new Map();
    for (const completion of task.completions) {
      const id = completion.id;
      const label = state.labels.get(id);
      const li = document.createElement('li');
      li.className = 'card';
      li.dataset.id = String(id);

      const pick = document.createElement('button');
      pick.type = 'button';
      pick.className = 'pick';
      const badge = document.createElement('span');
      badge.className = 'rank';
      badge.setAttribute('aria-hidden', 'true');
      const body = document.createElement('span');
      body.className = 'body';
      const name = document.createElement('span');
      name.className = 'visually-hidden card-state';
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.setAttribute('aria-hidden', 'true');
      chip.textContent = String(label);
      const prompt = document.createElement('span');
      prompt.className = 'echo';
      prompt.textContent = task.prompt + ' ';
      const text = document.createElement('span');
      text.className = 'completion';
      text.textContent = completion.text;
      body.append(name, chip, prompt, text);
      pick.append(badge, body);
      pick.addEventListener('click', () => pickCard(id));

      const tools = document.createElement('div');
      tools.className = 'tools';
      const up = toolButton('up', '▲', 'Move card ' + label + ' up', () => moveCard(id, -1));
      const down = toolButton('down', '▼', 'Move card ' + label + ' down', () => moveCard(id, +1));
      const tie = toolButton('tie', '= Tie', null, () => toggleTie(id));
      const tieMore = document.createElement('span');
      tieMore.className = 'long';
      tieMore.textContent = ' with above';
      tie.append(tieMore);
      tie.setAttribute('aria-pressed', 'false');
      tie.setAttribute('aria-label', 'Card ' + label + ' ties with the card above');
      const handle = document.createElement('span');
      handle.className = 'handle';
      handle.title = 'Drag to move';
      handle.setAttribute('aria-hidden', 'true');
      handle.textContent = '⠿';
      tools.append(up, down, tie, handle);

      li.append(pick, tools);
      list.append(li);
      state.cards.set(id, li);
    }
    if (state.sortable) state.sortable.destroy();
    state.sortable = null;
    if (window.Sortable) {
      state.sortable = window.Sortable.create(list, {
        handle: '.handle',
        animation: 150,
        delay: 120,
        delayOnTouchOnly: true,   // phones scroll on a touch; only a held handle drags
        touchStartThreshold: 4,
        ghostClass: 'ghost',
        chosenClass: 'chosen',
        onEnd: onDragEnd,
      });
    }
  }

  function toolButton(kind, text, label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'tool ' + kind;
    b.textContent = text;
    if (label) b.setAttribute('aria-label', label);
    b.addEventListener('click', onClick);
    return b;
  }

  // ---------------------------------------------------------------- the ranking being made

  function k() {
    return state.order.length;
  }

  /** Cards in order; when all but one are placed, the last one is placed too (it can only be last). */
  function settled() {
    return state.placed >= k() - 1 ? k() : state.placed;
  }

  function complete() {
    return state.task !== null && settled() === k();
  }

  /** The ranking as groups of completion ids, best first; a tied card joins the group above it. */
  function groups() {
    const out = [];
    state.order.forEach((id, pos) => {
      if (pos > 0 && state.ties.has(id)) out[out.length - 1].push(id);
      else out.push([id]);
    });
    return out;
  }

  /** The 1-based group number of each card (ties share one). */
  function levels() {
    const level = new Map();
    groups().forEach((group, g) => group.forEach((id) => level.set(id, g + 1)));
    return level;
  }

  function label(id) {
    return 'card ' + state.labels.get(id);
  }

  /** Applies `change` as one undoable step; ties whose card above changed are dropped. */
  function edit(change) {
    const before = {
      order: state.order.slice(),
      placed: state.placed,
      ties: new Set(state.ties),
      last: state.last,
    };
    const above = new Map(state.order.map((id, pos) => [id, pos > 0 ? state.order[pos - 1] : null]));
    const message = change();
    if (message === null) return;
    const limit = settled();
    state.order.forEach((id, pos) => {
      if (!state.ties.has(id)) return;
      const nowAbove = pos > 0 ? state.order[pos - 1] : null;
      if (nowAbove === null || pos >= limit || (above.get(id) !== nowAbove && before.ties.has(id))) {
        state.ties.delete(id);
      }
    });
    state.history.push(before);
    render();
    announce(message);
  }

  function pickCard(id) {
    if (!state.task) return;
    edit(() => {
      const pos = state.order.indexOf(id);
      state.order.splice(pos, 1);
      state.last = id;
      if (pos < state.placed) {
        // Picked again: take it back; it becomes the first of the cards not placed yet.
        state.placed -= 1;
        state.order.splice(state.placed, 0, id);
        state.ties.delete(id);
        return 'Took back ' + label(id) + '. ' + remainingText();
      }
      state.order.splice(state.placed, 0, id);
      state.placed += 1;
      return capital(label(id)) + ' is rank ' + levels().get(id) + '. ' + remainingText();
    });
  }

  function moveCard(id, delta) {
    if (!state.task) return;
    const pos = state.order.indexOf(id);
    const to = pos + delta;
    if (to < 0 || to >= k()) return;
    edit(() => {
      state.order.splice(pos, 1);
      state.order.splice(to, 0, id);
      state.placed = k();
      state.last = id;
      return capital(label(id)) + ' moved to place ' + (to + 1) + ' of ' + k() + '.';
    });
  }

  function toggleTie(id) {
    if (!state.task) return;
    const pos = state.order.indexOf(id);
    if (pos <= 0) {
      announce('The card at the top has no card above it to tie with.');
      return;
    }
    if (pos >= settled()) {
      announce('Place ' + label(id) + ' first, then tie it.');
      return;
    }
    edit(() => {
      state.last = id;
      if (state.ties.has(id)) {
        state.ties.delete(id);
        return capital(label(id)) + ' is no longer tied; it is rank ' + levels().get(id) + '.';
      }
      state.ties.add(id);
      return capital(label(id)) + ' tied with ' + label(state.order[pos - 1]) + ' at rank ' + levels().get(id) + '.';
    });
  }

  function tieLast() {
    if (state.last === null) {
      announce('Pick a card first, then press = to tie it with the card above.');
      return;
    }
    toggleTie(state.last);
  }

  function onDragEnd(event) {
    const newOrder = Array.from($('cards').children).map((li) => parseInt(li.dataset.id, 10));
    const same = newOrder.every((id, i) => id === state.order[i]);
    if (same) return;
    const moved = parseInt(event.item.dataset.id, 10);
    edit(() => {
      state.order = newOrder;
      state.placed = k();
      state.last = moved;
      return capital(label(moved)) + ' moved to place ' + (newOrder.indexOf(moved) + 1) + ' of ' + k() + '.';
    });
  }

  function undo() {
    const before = state.history.pop();
    if (!before) {
      announce('Nothing to undo.');
      return;
    }
    state.order = before.order;
    state.placed = before.placed;
    state.ties = before.ties;
    state.last = before.last;
    render();
    announce('Undone. ' + remainingText());
  }

  function remainingText() {
    const left = k() - settled();
    if (left === 0) return 'All ranked; submit when ready.';
    return 'Pick the best of the ' + left + ' left.';
  }

  function capital(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function ordinalHint(level, tied) {
    return (tied ? '=' : '') + level;
  }

  /** Puts the cards in order and updates badges, buttons and the progress line. */
  function render() {
    const list = $('cards');
    const focused = document.activeElement;
    const limit = settled();
    const level = levels();
    state.order.forEach((id, pos) => {
      const li = state.cards.get(id);
      if (list.children[pos] !== li) list.insertBefore(li, list.children[pos] || null);
      const placed = pos < limit;
      const implied = placed && pos >= state.placed;
      const tied = state.ties.has(id);
      li.classList.toggle('placed', placed);
      li.classList.toggle('implied', implied);
      li.classList.toggle('tied', tied);
      li.classList.toggle('last', state.last === id);
      li.dataset.rank = placed ? String(level.get(id)) : '';
      li.querySelector('.rank').textContent = placed ? ordinalHint(level.get(id), tied) : '–';
      li.querySelector('.card-state').textContent = capital(label(id)) + ', '
        + (placed ? 'rank ' + level.get(id) + (tied ? ', tied with the card above' : '') : 'not placed yet') + ': ';
      li.querySelector('.up').disabled = pos === 0;
      li.querySelector('.down').disabled = pos === k() - 1;
      const tie = li.querySelector('.tie');
      tie.disabled = pos === 0 || pos >= limit;
      tie.setAttribute('aria-pressed', tied ? 'true' : 'false');
    });
    if (focused && list.contains(focused) && document.activeElement !== focused) focused.focus();
    const left = k() - limit;
    $('progress').textContent = left === 0
      ? 'All ' + k() + ' ranked' + (state.ties.size ? ' (' + state.ties.size + ' tied)' : '') + '. Submit, or adjust first.'
      : 'Pick the best of the ' + left + ' left (' + limit + ' of ' + k() + ' placed).';
    $('submit').disabled = !complete();
    $('undo').disabled = state.history.length === 0;
  }

  // ---------------------------------------------------------------- keyboard

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return;
    if (state.view !== 'rank' || !state.task) return;
    const key = event.key;
    if (/^[1-9]$/.test(key)) {
      if (event.repeat) return;
      const n = parseInt(key, 10);
      const completion = state.task.completions[n - 1];
      if (completion) {
        event.preventDefault();
        pickCard(completion.id);
      }
    } else if (key === '=') {
      event.preventDefault();
      if (!event.repeat) tieLast();
    } else if (key === 'Backspace') {
      event.preventDefault();
      undo();
    } else if (key === 'Enter') {
      // Enter on a focused tool or action button presses that button; anywhere else it submits.
      if (target && target.tagName === 'BUTTON' && !target.classList.contains('pick')) return;
      event.preventDefault();
      if (!event.repeat) submit();
    }
  }

  // ---------------------------------------------------------------- submitting, kept and retried

  function newKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);   // works on plain http on a LAN, unlike randomUUID
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  let memoryOutbox = [];

  function readOutbox() {
    try {
      const text = window.localStorage.getItem(OUTBOX_KEY);
      const items = text ? JSON.parse(text) : [];
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return memoryOutbox.slice();
    }
  }

  function writeOutbox(items) {
    const kept = items.slice(-MAX_OUTBOX);
    memoryOutbox = kept.slice();
    try {
      window.localStorage.setItem(OUTBOX_KEY, JSON.stringify(kept));
    } catch (e) {
      // private mode or full: the in-memory copy still retries while the page is open
    }
  }

  function pendingItems() {
    if (!state.me) return [];
    return readOutbox().filter((item) => item.rater === state.me.rater);
  }

  function removeItem(key) {
    writeOutbox(readOutbox().filter((item) => item.key !== key));
  }

  function submit() {
    if (!state.task) return;
    if (!complete()) {
      announce('Not yet: ' + remainingText());
      return;
    }
    const item = {
      rater: state.me.rater,
      task: state.task.task,
      ranking: groups(),
      key: newKey(),
      tries: 0,
      saved: new Date().toISOString(),
    };
    writeOutbox(readOutbox().concat([item]));
    state.task = null;
    $('submit').disabled = true;
    show('loading');
    $('loading').textContent = 'Sending…';
    updateCount();
    flushOutbox().then(loadTask);
  }

  /** Posts every kept ranking of this rater, oldest first; stops at the first one to retry later. */
  function flushOutbox() {
    state.flushing = state.flushing.then(flushNow, flushNow);
    return state.flushing;
  }

  async function flushNow() {
    if (!state.me) return;
    for (const item of pendingItems()) {
      let result = null;
      try {
        result = await api('POST', '/api/rankings', { task: item.task, ranking: item.ranking, key: item.key });
      } catch (e) {
        result = null;   // network error: keep it
      }
      if (result && (result.status === 201 || result.status === 200)) {
        removeItem(item.key);
        if (result.data && typeof result.data.ranked === 'number') state.me.ranked = result.data.ranked;
        updateCount();
        setSync('Saved ✓ Your ranking is stored on the server'
          + (result.status === 200 ? ' (it had already arrived).' : '.'), 'ok');
        announce('Saved. You have ranked ' + state.me.ranked + '.');
        continue;
      }
      if (result && result.status === 401) {
        // This browser lost its rater token; the ranking stays kept, the person joins again.
        setSync('Your ranking is kept on this device, but the server no longer knows you; join again.', 'warn');
        showJoin();
        return;
      }
      if (result && result.status >= 400 && result.status < 500 && result.status !== 429 && result.status !== 408) {
        // The server refused it for good (round closed, already ranked, not a valid ranking): drop it.
        removeItem(item.key);
        updateCount();
        setSync('Not stored: ' + reason(result, 'the server refused it (HTTP ' + result.status + ')') + '.', 'bad');
        announce('That ranking was not stored.');
        continue;
      }
      // Network error, 408, 429 or 5xx: keep it and try again later under the same key.
      const items = readOutbox();
      const kept = items.find((x) => x.key === item.key);
      const tries = (kept ? kept.tries : item.tries) + 1;
      if (kept) {
        kept.tries = tries;
        writeOutbox(items);
      }
      const backoff = result && result.retryAfter
        ? result.retryAfter
        : Math.min(MAX_BACKOFF_S, Math.pow(2, Math.min(tries, 5))) * (0.75 + Math.random() * 0.5);
      const why = result === null ? 'no connection'
        : result.status === 429 ? 'too many at once'
          : reason(result, 'server error ' + result.status);
      setSync('Kept on this device, not sent yet (' + why + '); retrying in ' + Math.round(backoff) + ' s.', 'warn');
      announce('Ranking kept on this device; retrying.');
      updateCount();
      scheduleRetry(backoff * 1000);
      return;
    }
  }

  function scheduleRetry(ms) {
    window.clearTimeout(state.retryTimer);
    state.retryTimer = window.setTimeout(() => {
      setSync('Retrying…', 'warn');
      flushOutbox().then(() => {
        if (state.view !== 'rank' && state.view !== 'join') loadTask();
      });
    }, ms);
  }

  // ---------------------------------------------------------------- skipping

  async function skip() {
    if (!state.task) return;
    const task = state.task.task;
    $('skip').disabled = true;
    try {
      const result = await api('POST', '/api/skip', { task });
      if (result.status === 204 || result.status === 200) {
        announce('Skipped.');
        state.task = null;
        await loadTask();
      } else if (result.status === 401) {
        showJoin();
      } else {
        setError(reason(result, 'Could not skip (HTTP ' + result.status + ')') + '.');
      }
    } catch (e) {
      setError('Cannot reach the workshop server; try again.');
    } finally {
      $('skip').disabled = false;
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
