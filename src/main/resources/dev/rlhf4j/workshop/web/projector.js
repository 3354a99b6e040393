// The projector page of the rlhf4j workshop server (served at /leaderboard, see leaderboard.html).
//
// Polls GET /api/leaderboard every 2 s and shows, large enough for the back of a room: the join link,
// its QR code and the code, people joined, rankings in and per minute, the Elo and Bradley–Terry
// ratings of the completions' sources with their intervals, agreement between people and with the
// simulated human, and the most active raters with their agreement with the room, the simulated
// human and the trained reward model. Names and sources go into the page with textContent only.
(function () {
  'use strict';

  const POLL_MS = 2000;
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  let failures = 0;
  let lastJoinUrl = null;

  function text(id, value) {
    const el = $(id);
    if (el.textContent !== value) el.textContent = value;
  }

  function fmt(x, digits) {
    return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '–';
  }

  function percent(x) {
    return typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 100) + '%' : '–';
  }

  async function poll() {
    try {
      const response = await fetch('/api/leaderboard', { cache: 'no-store', headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      render(await response.json());
      failures = 0;
      text('conn', '');
      $('conn').className = 'conn';
    } catch (e) {
      failures += 1;
      text('conn', 'Reconnecting to the server…');
      $('conn').className = 'conn bad';
    } finally {
      window.setTimeout(poll, failures > 3 ? POLL_MS * 2 : POLL_MS);
    }
  }

  function render(board) {
    if (board.joinUrl && board.joinUrl !== lastJoinUrl) {
      lastJoinUrl = board.joinUrl;
      text('join-url', board.joinUrl.replace(/^https?:\/\//, ''));
      $('qr').src = '/api/qr.png';
    }
    text('code', board.code || '');
    text('round', 'Round ' + (board.round ?? '–') + (board.roundOpen === false ? ' · closed' : ' · open'));
    text('raters', String(board.raters ?? 0));
    text('rankings', String(board.rankings ?? 0));
    text('per-minute', fmt(board.perMinute, board.perMinute >= 100 ? 0 : 1));
    ratingTable('elo', board.elo || [], (row) => row.wins + ' / ' + row.losses + ' / ' + row.ties);
    ratingTable('bt', board.bt || [], (row) => String(row.matches ?? '–'));
    const agreement = board.agreement || {};
    text('agree-people', percent(agreement.people));
    text('agree-people-n', agreement.people == null
      ? '(not enough shared tasks yet)'
      : '(' + (agreement.peoplePairs ?? 0) + ' pairs of rankings of one task)');
    text('agree-sim', percent(agreement.simulated));
    text('agree-sim-n', agreement.simulated == null
      ? '(not enough rankings yet)'
      : '(' + (agreement.simulatedRankings ?? 0) + ' rankings)');
    abVerdict(board.ab);
    topList(board.top || []);
  }

  /** The room's verdict on the tuned policy, once an A/B round has rankings: win rate [95% interval]. */
  function abVerdict(ab) {
    $('ab').hidden = ab == null;
    if (ab == null) {
      return;
    }
    text('ab-human', percent(ab.human));
    text('ab-human-n', '[' + percent(ab.humanLower) + ', ' + percent(ab.humanUpper) + '] over ' + ab.rankings + ' rankings');
    text('ab-sim', percent(ab.simulated));
    text('ab-sim-n', '[' + percent(ab.simulatedLower) + ', ' + percent(ab.simulatedUpper) + '] over ' + ab.pairs + ' pairs');
  }

  /** One row per source: name, "1032 [1001, 1060]" over a bar of the interval on a shared scale, counts. */
  function ratingTable(id, rows, counts) {
    const body = $(id).querySelector('tbody');
    const sorted = rows.slice().sort((a, b) => b.rating - a.rating);
    const finite = (x) => typeof x === 'number' && Number.isFinite(x);
    const lows = sorted.map((r) => (finite(r.lower) ? r.lower : r.rating)).filter(finite);
    const highs = sorted.map((r) => (finite(r.upper) ? r.upper : r.rating)).filter(finite);
    const min = Math.min(...lows);
    const max = Math.max(...highs);
    const span = max - min > 1e-9 ? max - min : 1;
    const x = (v) => 2 + 96 * (v - min) / span;
    const fresh = [];
    if (sorted.length === 0) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = 3;
      td.className = 'empty';
      td.textContent = 'No rankings yet';
      tr.append(td);
      fresh.push(tr);
    }
    for (const row of sorted) {
      const tr = document.createElement('tr');
      const source = document.createElement('td');
      source.className = 'source';
      source.textContent = row.source;
      const rating = document.createElement('td');
      rating.className = 'value';
      const main = document.createElement('strong');
      main.textContent = fmt(row.rating, 0);
      const interval = document.createElement('span');
      interval.className = 'interval';
      interval.textContent = finite(row.lower) && finite(row.upper)
        ? ' [' + fmt(row.lower, 0) + ', ' + fmt(row.upper, 0) + ']' : '';
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('viewBox', '0 0 100 12');
      svg.setAttribute('preserveAspectRatio', 'none');
      svg.setAttribute('aria-hidden', 'true');
      svg.classList.add('bar');
      if (finite(row.lower) && finite(row.upper)) {
        const range = document.createElementNS(SVG, 'rect');
        range.setAttribute('x', x(row.lower).toFixed(2));
        range.setAttribute('width', Math.max(0.8, x(row.upper) - x(row.lower)).toFixed(2));
        range.setAttribute('y', '3');
        range.setAttribute('height', '6');
        range.setAttribute('rx', '2');
        range.classList.add('range');
        svg.append(range);
      }
      if (finite(row.rating)) {
        const point = document.createElementNS(SVG, 'rect');
        point.setAttribute('x', (x(row.rating) - 0.8).toFixed(2));
        point.setAttribute('width', '1.6');
        point.setAttribute('y', '0');
        point.setAttribute('height', '12');
        point.classList.add('point');
        svg.append(point);
      }
      rating.append(main, interval, svg);
      const count = document.createElement('td');
      count.className = 'wlt';
      count.textContent = counts(row);
      tr.append(source, rating, count);
      fresh.push(tr);
    }
    body.replaceChildren(...fresh);
  }

  /** The most active raters, each with their agreement with the room, the simulated human and the reward model. */
  function topList(top) {
    const rows = top.slice(0, 8).map((rater) => {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      name.className = 'name';
      name.textContent = rater.name;
      const n = document.createElement('td');
      n.className = 'n';
      n.textContent = String(rater.ranked);
      tr.append(name, n);
      for (const key of ['room', 'simulated', 'model']) {
        const cell = document.createElement('td');
        cell.className = 'agree with-' + key;
        cell.textContent = percent(rater[key]);
        tr.append(cell);
      }
      return tr;
    });
    $('top').querySelector('tbody').replaceChildren(...rows);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', poll);
  else poll();
}());
