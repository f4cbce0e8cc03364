// ActorNet dashboard: plain JavaScript, no build step, nothing loaded from elsewhere.
// Polls the admin API (sources, sinks, connections) and /api/history, and shows the live tail from /ws/tail.
'use strict';

(() => {
  const TAIL_ROWS = 200;
  const POLL_MS = 1000;
  const HISTORY_MS = 2000;
  const RECONNECT_MS = 2000;
  const WINDOW_MS = 5 * 60 * 1000;
  const TOKEN_KEY = 'actornet-admin-token';
  const COLORS = ['#2f7ed8', '#e4572e', '#17a398', '#f2a541', '#8e44ad', '#6c757d', '#c0392b', '#27ae60'];

  const $ = id => document.getElementById(id);
  let token = sessionStorage.getItem(TOKEN_KEY) || '';
  let needToken = false;
  let paused = false;
  let socket = null;
  let history = { sources: [] };
  // The live tail's source, '' for all: ?source=NAME in the page's address, so that a view can be bookmarked or shared.
  let tailSource = new URLSearchParams(location.search).get('source') || '';
  const rates = new Map();

  class Unauthorized extends Error {}

  // ---- admin API ----------------------------------------------------------------------------------

  async function api(path, init) {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    const response = await fetch(path, Object.assign({ cache: 'no-store' }, init, { headers }));
    if (response.status === 401) {
      askForToken(token ? 'that token was refused' : '');
      throw new Unauthorized();
    }
    if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  function askForToken(message) {
    needToken = true;
    $('token-form').hidden = false;
    $('token-error').textContent = message;
    setBadge('api-state', 'admin token required', 'bad');
  }

  $('token-form').addEventListener('submit', event => {
    event.preventDefault();
    token = $('token-input').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    needToken = false;
    $('token-form').hidden = true;
    refresh();
    refreshHistory();
    connectTail();
  });

  function number(value) {
    return typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 1 }) : '';
  }

  function time(value) {
    if (!value) return '';
    const date = new Date(value);
    return isNaN(date) ? String(value) : date.toLocaleTimeString('en-GB', { hour12: false });
  }

  function cell(row, cls, text, value) {
    let td = row.querySelector('td.' + cls);
    if (!td) {
      td = document.createElement('td');
      td.className = cls;
      row.appendChild(td);
    }
    td.textContent = text;
    if (value !== undefined) td.dataset.value = String(value);
    return td;
  }

  function syncRows(tbody, items, key, attribute, fill) {
    const seen = new Set();
    for (const item of items) {
      const id = String(key(item));
      seen.add(id);
      let row = tbody.querySelector('tr[' + attribute + '="' + CSS.escape(id) + '"]');
      if (!row) {
        row = document.createElement('tr');
        row.setAttribute(attribute, id);
        tbody.appendChild(row);
      }
      fill(row, item);
    }
    for (const row of Array.from(tbody.rows)) {
      if (!seen.has(row.getAttribute(attribute))) row.remove();
    }
  }

  function renderSources(sources) {
    renderTailSources(sources.map(s => s.name));
    syncRows($('sources').tBodies[0], sources, s => s.name, 'data-source', (row, s) => {
      cell(row, 'name', s.name);
      cell(row, 'type', s.type || '');
      cell(row, 'endpoint', s.endpoint || '');
      const state = cell(row, 'state', s.state || '');
      state.title = s.lastError ? 'last error: ' + s.lastError + (s.nextAttemptAt ? '; next attempt ' + time(s.nextAttemptAt) : '') : '';
      state.dataset.state = s.state || '';
      cell(row, 'connections', number(s.connectionsActive), s.connectionsActive);
      cell(row, 'frames', number(s.frames), s.frames);
      cell(row, 'bytes', number(s.bytes), s.bytes);
      cell(row, 'quarantined', number(s.quarantined), s.quarantined);
      const rate = rates.get(s.name);
      cell(row, 'fps', rate === undefined ? '' : number(rate), rate === undefined ? '' : rate);
    });
  }

  function renderSinks(sinks) {
    syncRows($('sinks').tBodies[0], sinks, s => s.name, 'data-sink', (row, s) => {
      cell(row, 'name', s.name);
      cell(row, 'type', s.type || '');
      cell(row, 'state', s.state || '').dataset.state = s.state || '';
      cell(row, 'written', number(s.framesWritten), s.framesWritten);
      cell(row, 'backlog', number(s.backlogFrames), s.backlogFrames);
      cell(row, 'spool-bytes', number(s.spoolBytes), s.spoolBytes);
      cell(row, 'failures', number(s.writeFailures), s.writeFailures);
      cell(row, 'dropped', number(s.dropped), s.dropped);
      // The last error stays after the sink recovers (it says what happened last); the state says whether it still fails.
      cell(row, 'last-error', s.lastError || '').title = s.lastError || '';
    });
  }

  function renderConnections(connections) {
    $('connection-count').textContent = '(' + connections.length + ')';
    syncRows($('connections').tBodies[0], connections, c => c.id, 'data-connection', (row, c) => {
      cell(row, 'id', String(c.id), c.id);
      cell(row, 'source', c.source);
      cell(row, 'peer', c.node ? c.peer + ' @ ' + c.node : c.peer).title = c.node ? 'held by cluster node ' + c.node : '';
      cell(row, 'connected', time(c.connectedAt));
      cell(row, 'last-frame', time(c.lastFrameAt));
      cell(row, 'frames', number(c.frames), c.frames);
      cell(row, 'bytes', number(c.bytes), c.bytes);
      cell(row, 'quarantined', number(c.quarantined), c.quarantined);
      let action = row.querySelector('td.action');
      if (!action) {
        action = document.createElement('td');
        action.className = 'action';
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'close';
        button.textContent = 'Close';
        button.addEventListener('click', () => closeConnection(c.id, button));
        action.appendChild(button);
        row.appendChild(action);
      }
    });
  }

  async function closeConnection(id, button) {
    button.disabled = true;
    try {
      await api('/api/connections/' + encodeURIComponent(id), { method: 'DELETE' });
    } catch (e) {
      if (!(e instanceof Unauthorized)) button.title = String(e.message || e);
    }
    refresh();
  }

  function setBadge(id, text, kind) {
    const badge = $(id);
    badge.textContent = text;
    badge.className = 'badge ' + (kind || '');
  }

  // A cluster node answers /api/cluster (members and feed owners); a single node answers 404 and the section stays hidden.
  async function clusterView() {
    try {
      return await api('/api/cluster');
    } catch (e) {
      if (e instanceof Unauthorized) throw e;
      return null;
    }
  }

  // Per member: its feeds, its sources with their state there, the connections it holds (/api/connections spans the
  // cluster) and the frames and bytes its sources received since it started. A member that did not answer has no
  // sources (null): its counters stay empty rather than showing 0.
  function renderCluster(cluster, connections) {
    $('cluster-section').hidden = !cluster;
    if (!cluster) return;
    syncRows($('members').tBodies[0], cluster.members, m => m.address, 'data-member', (row, m) => {
      const held = connections.filter(c => c.node === m.address);
      const sources = m.sources;
      cell(row, 'address', m.address);
      cell(row, 'status', m.status).dataset.state = m.status === 'up' ? 'connected' : m.status;
      cell(row, 'roles', (m.roles || []).join(', '));
      cell(row, 'feeds', cluster.feeds.filter(f => f.node === m.address).map(f => f.source).join(', '));
      cell(row, 'sources', sources ? sources.map(s => s.name + ': ' + s.state).join(', ') : 'no answer');
      cell(row, 'connections', number(held.length), held.length);
      const frames = sources ? sources.reduce((sum, s) => sum + s.frames, 0) : undefined;
      const bytes = sources ? sources.reduce((sum, s) => sum + s.bytes, 0) : undefined;
      cell(row, 'frames', number(frames), frames === undefined ? '' : frames);
      cell(row, 'bytes', number(bytes), bytes === undefined ? '' : bytes);
    });
  }

  async function refresh() {
    if (needToken) return;
    try {
      const [sources, sinks, connections, cluster] = await Promise.all([api('/api/sources'), api('/api/sinks'), api('/api/connections'), clusterView()]);
      renderCluster(cluster, connections.connections);
      renderSources(sources.sources);
      renderSinks(sinks.sinks);
      renderConnections(connections.connections);
      setBadge('api-state', 'updated ' + new Date().toLocaleTimeString('en-GB', { hour12: false }), 'ok');
    } catch (e) {
      if (!(e instanceof Unauthorized)) setBadge('api-state', 'API unreachable: ' + (e.message || e), 'bad');
    }
  }

  // ---- frames/s history ---------------------------------------------------------------------------

  async function refreshHistory() {
    if (needToken) return;
    try {
      history = (await api('/api/history')) || { sources: [] };
      for (const source of history.sources) {
        const last = source.samples[source.samples.length - 1];
        if (last) rates.set(source.name, last[1]);
      }
      drawChart();
    } catch (e) {
      // The sources table shows that the API is unreachable; the chart keeps its last picture.
    }
  }

  function drawChart() {
    const canvas = $('rate-chart');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 900;
    const height = canvas.clientHeight || 220;
    if (canvas.width !== Math.round(width * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);

    const left = 56, right = 8, top = 8, bottom = 20;
    const plotW = width - left - right, plotH = height - top - bottom;
    const now = Date.now();
    const start = now - WINDOW_MS;
    let max = 1;
    for (const s of history.sources) for (const [, v] of s.samples) max = Math.max(max, v);
    max = niceCeiling(max);

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#666';
    g.strokeStyle = '#e3e3e3';
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = top + plotH - (plotH * i) / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(left + plotW, y); g.stroke();
      g.fillText(number((max * i) / 4), 4, y + 4);
    }
    for (let m = 5; m >= 0; m--) {
      const x = left + plotW - (plotW * m * 60000) / WINDOW_MS;
      g.fillText(m === 0 ? 'now' : '-' + m + ' min', Math.min(x - 12, width - 28), height - 4);
    }

    const legend = $('rate-legend');
    legend.textContent = '';
    history.sources.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      g.strokeStyle = color;
      g.lineWidth = 1.5;
      g.beginPath();
      let started = false;
      for (const [t, v] of s.samples) {
        if (t < start) continue;
        const x = left + (plotW * (t - start)) / WINDOW_MS;
        const y = top + plotH - (plotH * v) / max;
        if (started) g.lineTo(x, y); else { g.moveTo(x, y); started = true; }
      }
      g.stroke();
      const key = document.createElement('span');
      key.className = 'key';
      key.dataset.source = s.name;
      key.style.borderColor = color;
      key.textContent = s.name;
      legend.appendChild(key);
    });
  }

  function niceCeiling(value) {
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
    return 10 * power;
  }

  // ---- live tail ----------------------------------------------------------------------------------

  // Records are queued here and put on the page at most every 100 ms, so that a burst costs one layout, and
  // the socket is always read at once (a page that reads slowly has its records dropped on the server).
  const pending = { frames: [], quarantined: [] };
  let flushScheduled = false;

  // The server filters (/ws/tail?source=NAME): the other sources' records are neither sent nor counted as dropped.
  function renderTailSources(names) {
    const select = $('tail-source');
    // A source a reload removed: the server would refuse its tail, so the page goes back to all sources.
    if (tailSource && names.length > 0 && !names.includes(tailSource)) setTailSource('');
    const wanted = [''].concat(names);
    const shown = Array.from(select.options).map(o => o.value);
    if (wanted.join('\n') === shown.join('\n')) return;
    select.textContent = '';
    for (const name of wanted) {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name || 'all sources';
      select.appendChild(option);
    }
    select.value = tailSource;
  }

  function setTailSource(name) {
    if (name === tailSource) return;
    tailSource = name;
    $('tail-source').value = name;
    const url = new URL(location.href);
    if (name) url.searchParams.set('source', name); else url.searchParams.delete('source');
    // window.history: `history` here is the rate history.
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    // What is on screen came from the old filter: start the lists again.
    pending.frames.length = 0;
    pending.quarantined.length = 0;
    $('tail-frames').textContent = '';
    $('tail-quarantined').textContent = '';
    if (!needToken) connectTail();
  }

  $('tail-source').addEventListener('change', event => setTailSource(event.target.value));

  function connectTail() {
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const params = new URLSearchParams();
    if (tailSource) params.set('source', tailSource);
    if (token) params.set('token', token);
    const query = params.toString() ? '?' + params.toString() : '';
    const ws = new WebSocket(scheme + '//' + location.host + '/ws/tail' + query);
    socket = ws;
    setBadge('ws-state', 'live tail: connecting', '');
    ws.onopen = () => setBadge('ws-state', 'live tail: connected', 'ok');
    ws.onmessage = event => receive(JSON.parse(event.data));
    ws.onclose = () => {
      setBadge('ws-state', 'live tail: disconnected, retrying', 'bad');
      if (socket === ws) setTimeout(() => { if (socket === ws && !needToken) connectTail(); }, RECONNECT_MS);
    };
  }

  function receive(message) {
    switch (message.kind) {
      case 'frame':
        queue(pending.frames, message);
        break;
      case 'quarantined':
        queue(pending.quarantined, message);
        break;
      case 'stats':
        $('dropped').textContent = number(message.dropped);
        $('dropped').dataset.value = String(message.dropped);
        $('dropped-total').textContent = number(message.droppedTotal);
        $('dropped-total').dataset.value = String(message.droppedTotal);
        $('tail-hint').hidden = (message.sinks || []).length > 0;
        break;
    }
  }

  function queue(list, record) {
    if (paused) return;
    list.push(record);
    if (list.length > TAIL_ROWS) list.splice(0, list.length - TAIL_ROWS);
    if (!flushScheduled) {
      flushScheduled = true;
      setTimeout(flushTail, 100);
    }
  }

  function flushTail() {
    flushScheduled = false;
    render($('tail-frames'), pending.frames.splice(0), frameRow);
    render($('tail-quarantined'), pending.quarantined.splice(0), quarantinedRow);
  }

  function render(list, records, row) {
    if (records.length === 0) return;
    const fragment = document.createDocumentFragment();
    for (let i = records.length - 1; i >= 0; i--) fragment.appendChild(row(records[i]));
    list.insertBefore(fragment, list.firstChild);
    while (list.children.length > TAIL_ROWS) list.lastChild.remove();
  }

  function recordRow(r) {
    const li = document.createElement('li');
    li.dataset.source = r.source;
    li.dataset.connection = String(r.connection);
    li.dataset.seq = String(r.seq);
    li.dataset.sink = r.sink;
    li.title = r.peer + ', received ' + r.receivedAt + ', sink ' + r.sink;
    span(li, 'time', time(r.receivedAt));
    span(li, 'where', r.source + ' #' + r.connection + ':' + r.seq);
    return li;
  }

  function frameRow(r) {
    const li = recordRow(r);
    span(li, 'payload', typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload));
    return li;
  }

  function quarantinedRow(r) {
    const li = recordRow(r);
    span(li, 'reason', r.reason || '');
    span(li, 'error', r.error || '');
    span(li, 'raw', r.raw ? r.raw + ' (' + r.rawLength + ' bytes, base64)' : '');
    return li;
  }

  // textContent only: payloads come from the network and are never parsed as HTML.
  function span(parent, cls, text) {
    const s = document.createElement('span');
    s.className = cls;
    s.textContent = text;
    parent.appendChild(s);
  }

  $('pause').addEventListener('click', () => {
    paused = !paused;
    $('pause').textContent = paused ? 'Resume' : 'Pause';
  });

  refresh();
  refreshHistory();
  connectTail();
  setInterval(refresh, POLL_MS);
  setInterval(refreshHistory, HISTORY_MS);
  window.addEventListener('resize', drawChart);
})();
