import { PAGE_RENDER } from './simulator.page-render';

/**
 * The page's behaviour (plain browser JavaScript, no build step): who the person is (kept in
 * localStorage), the thread over Server-Sent Events (polling if the stream fails), and the
 * actions that become signed platform webhooks on the server.
 */
const PAGE_MAIN = String.raw`
var BASE = document.body.getAttribute('data-base') || '/simulator';
var STORE_KEY = 'vungxanh.simulator.v1';
var NAMES = ['Nguyễn Minh Anh', 'Trần Thu Hà', 'Lê Quốc Bảo', 'Phạm Gia Huy', 'Võ Ngọc Trâm', 'Đặng Thanh Tùng'];
var $ = function (id) { return document.getElementById(id); };
var state = { channel: 'messenger', name: '', ids: {}, messages: [], rows: new Map(), chipsFor: null, messenger: {}, typing: false, stream: null, poll: null, seenTimer: null };

function digits(n) {
  var bytes = new Uint8Array(n); crypto.getRandomValues(bytes);
  var out = String(1 + (bytes[0] % 9));
  for (var i = 1; i < n; i++) out += String(bytes[i] % 10);
  return out;
}
function newIds() { return { zalo: digits(18), messenger: digits(16) }; }
function load() {
  try { var saved = JSON.parse(localStorage.getItem(STORE_KEY) || 'null'); } catch (e) { saved = null; }
  state.channel = saved && (saved.channel === 'zalo' || saved.channel === 'messenger') ? saved.channel : 'messenger';
  state.name = (saved && saved.name) || NAMES[Math.floor(Math.random() * NAMES.length)];
  state.ids = saved && saved.ids && saved.ids.zalo && saved.ids.messenger ? saved.ids : newIds();
  save();
}
function save() { localStorage.setItem(STORE_KEY, JSON.stringify({ channel: state.channel, name: state.name, ids: state.ids })); }
function userId() { return state.ids[state.channel]; }

function scrollBottom() { var t = $('thread'); t.scrollTop = t.scrollHeight; }
function showBanner(text) { var b = $('banner'); b.textContent = text || ''; b.hidden = !text; scrollBottom(); }
function errorText(res, body) {
  if (body && body.webhook) {
    var w = body.webhook;
    if (w.status === null) return 'Không gửi được tới máy chủ của ứng dụng (' + w.error + ').';
    var detail = w.body;
    try { var parsed = JSON.parse(w.body); if (parsed && parsed.error && parsed.error.message) detail = parsed.error.message; } catch (e) { /* plain text */ }
    return 'Máy chủ trả lời ' + w.status + ': tin nhắn chưa được nhận.' + (detail ? ' (' + String(detail).slice(0, 160) + ')' : '');
  }
  if (body && body.error) return 'Trang mô phỏng không nhận yêu cầu (' + res.status + '): ' + body.error.message + '.';
  return 'Máy chủ trả lời ' + res.status + '.';
}
function send(action) {
  var name = $('name').value.trim();
  if (!name) { showBanner('Hãy nhập tên của bạn trước.'); $('name').focus(); return Promise.resolve(); }
  showBanner('');
  return fetch(BASE + '/api/send', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel: state.channel, userId: userId(), displayName: name, action: action })
  }).then(function (res) {
    return res.json().catch(function () { return null; }).then(function (body) {
      if (body && body.message) upsert(body.message);
      if (!res.ok) showBanner(errorText(res, body));
    });
  }, function (err) { showBanner('Mất kết nối tới trang mô phỏng: ' + err.message); });
}

function upsert(message) {
  var i = state.messages.findIndex(function (m) { return m.id === message.id; });
  if (i >= 0) state.messages[i] = message; else state.messages.push(message);
  state.messages.sort(function (a, b) { return a.seq - b.seq; });
  render();
}
function applySnapshot(snap) {
  state.messages = snap.messages || []; state.messenger = snap.messenger || {};
  render();
}
function connect() {
  if (state.stream) state.stream.close();
  if (state.poll) clearInterval(state.poll);
  state.stream = null; state.poll = null; state.messages = []; $('thread').textContent = ''; state.rows = new Map(); state.chipsFor = null; render();
  var query = '?channel=' + state.channel + '&userId=' + encodeURIComponent(userId());
  var poll = function () {
    fetch(BASE + '/api/thread' + query).then(function (r) { return r.json(); }).then(applySnapshot, function () {});
  };
  if (!window.EventSource) { poll(); state.poll = setInterval(poll, 2000); return; }
  var es = new EventSource(BASE + '/api/events' + query);
  state.stream = es;
  es.addEventListener('snapshot', function (e) { applySnapshot(JSON.parse(e.data)); });
  es.addEventListener('message', function (e) { upsert(JSON.parse(e.data).message); });
  es.addEventListener('typing', function (e) { state.typing = JSON.parse(e.data).on; $('typing').hidden = !state.typing; });
  es.addEventListener('error', function () {
    if (es.readyState === EventSource.CLOSED && state.stream === es && !state.poll) { poll(); state.poll = setInterval(poll, 2000); }
  });
}
function markSeen() {
  if (state.seenTimer || document.visibilityState !== 'visible') return;
  var unseen = state.messages.some(function (m) { return m.direction === 'bot' && !m.seen; });
  if (!unseen) return;
  state.seenTimer = setTimeout(function () {
    state.seenTimer = null;
    fetch(BASE + '/api/seen', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: state.channel, userId: userId() }) }).catch(function () {});
  }, 800);
}

function renderChips(last) {
  var key = state.channel + ':' + (last ? last.id : '');
  if (state.chipsFor === key) return;
  state.chipsFor = key;
  var chips = $('chips'); chips.textContent = '';
  if (state.channel !== 'messenger' || !last || last.direction !== 'bot') return;
  (last.content && last.content.quick_replies || []).forEach(function (q) {
    var chip;
    if (q.content_type === 'user_phone_number' || q.content_type === 'user_email') {
      var phone = q.content_type === 'user_phone_number';
      chip = el('button', 'chip', phone ? 'Gửi số điện thoại' : 'Gửi email');
      chip.addEventListener('click', function () { askValue(phone); });
    } else {
      chip = el('button', 'chip', q.title);
      chip.addEventListener('click', function () { send({ type: 'quickReply', title: q.title, payload: q.payload }); });
    }
    chip.type = 'button'; chips.appendChild(chip);
  });
}
function askValue(phone) {
  var chips = $('chips'); chips.textContent = '';
  var form = el('form'); var input = el('input');
  input.type = phone ? 'tel' : 'email'; input.placeholder = phone ? 'Số điện thoại của bạn' : 'Email của bạn';
  input.setAttribute('aria-label', input.placeholder);
  var ok = el('button', 'chip', 'Gửi'); ok.type = 'submit';
  form.appendChild(input); form.appendChild(ok); chips.appendChild(form); input.focus();
  form.addEventListener('submit', function (e) {
    e.preventDefault(); var v = input.value.trim(); if (!v) return;
    send({ type: 'quickReply', title: v, payload: v });
  });
}
function renderMenu() {
  var menu = state.channel === 'messenger' && state.messenger.persistentMenu;
  var items = menu && menu[0] && menu[0].call_to_actions || [];
  $('menu-toggle').hidden = items.length === 0;
  var box = $('menu'); box.textContent = '';
  items.forEach(function (item) {
    if (item.type === 'web_url') { box.appendChild(linkButton(item.title, item.url)); return; }
    var b = el('button', '', item.title); b.type = 'button';
    b.addEventListener('click', function () { box.hidden = true; send({ type: 'postback', title: item.title, payload: item.payload }); });
    box.appendChild(b);
  });
  if (!items.length) box.hidden = true;
}
// Rows are kept between renders (a half-filled share form survives a new message); a row is
// redrawn only when what it shows changes.
function rowFor(m, zalo) {
  var key = m.direction === 'user' ? JSON.stringify(m.webhook || null) : '';
  var kept = state.rows.get(m.id);
  if (kept && kept.key === key) return kept.row;
  var onAction = function (action) { send(action); };
  var nodes = m.direction === 'bot'
    ? (zalo ? renderZaloBot(m.content, m.kind, onAction, { name: $('name').value }) : renderMessengerBot(m.content, onAction))
    : (zalo ? renderZaloUser(m.content) : renderMessengerUser(m.content));
  var system = nodes.length === 1 && nodes[0].className === 'system';
  var row = el('div', 'row ' + (system ? 'center' : m.direction));
  row.setAttribute('data-id', m.id);
  nodes.forEach(function (n) { row.appendChild(n); });
  var status = m.direction === 'user' ? statusLine(m.webhook) : null;
  if (status) row.appendChild(status);
  if (kept) kept.row.replaceWith(row);
  state.rows.set(m.id, { row: row, key: key });
  return row;
}
function render() {
  var thread = $('thread');
  var zalo = state.channel === 'zalo';
  var welcome = thread.querySelector('.welcome');
  if (state.messages.length && welcome) welcome.remove();
  if (!state.messages.length && !welcome) {
    welcome = el('div', 'welcome');
    var greeting = !zalo && state.messenger.greeting && state.messenger.greeting[0] && state.messenger.greeting[0].text;
    welcome.appendChild(el('p', '', greeting || (zalo ? 'Nhấn "Bắt đầu" để quan tâm Official Account Vùng Xanh, hoặc nhắn tin ngay.' : 'Nhấn "Bắt đầu" hoặc gửi một tin nhắn để trò chuyện với Vùng Xanh.')));
    thread.appendChild(welcome);
  }
  var live = new Set();
  // After i messages, the thread's first i children are their rows, in order.
  state.messages.forEach(function (m, i) {
    live.add(m.id);
    var row = rowFor(m, zalo);
    if (thread.children[i] !== row) thread.insertBefore(row, thread.children[i] || null);
  });
  state.rows.forEach(function (entry, id) { if (!live.has(id)) { entry.row.remove(); state.rows.delete(id); } });
  scrollBottom();
  renderChips(state.messages[state.messages.length - 1]);
  renderMenu();
  markSeen();
}
function renderChrome() {
  var zalo = state.channel === 'zalo';
  $('app').setAttribute('data-channel', state.channel);
  $('tab-zalo').setAttribute('aria-selected', String(zalo));
  $('tab-messenger').setAttribute('aria-selected', String(!zalo));
  $('page-sub').textContent = zalo ? 'Zalo Official Account' : 'Trang Facebook · Messenger';
  $('user-id').textContent = (zalo ? 'Mã người dùng Zalo: ' : 'PSID Messenger: ') + userId();
  $('start').title = zalo ? 'Quan tâm OA (sự kiện follow)' : 'Nút Get Started (postback)';
  $('typing').hidden = true;
}
function switchTo(channel) { state.channel = channel; save(); renderChrome(); connect(); }

document.addEventListener('DOMContentLoaded', function () {
  load();
  $('name').value = state.name;
  $('name').addEventListener('change', function () { state.name = $('name').value.trim(); save(); });
  $('tab-zalo').addEventListener('click', function () { switchTo('zalo'); });
  $('tab-messenger').addEventListener('click', function () { switchTo('messenger'); });
  $('new-user').addEventListener('click', function () {
    state.ids = newIds(); state.name = NAMES[Math.floor(Math.random() * NAMES.length)]; $('name').value = state.name;
    save(); renderChrome(); connect(); showBanner('');
  });
  $('start').addEventListener('click', function () { send(state.channel === 'zalo' ? { type: 'follow' } : { type: 'getStarted' }); });
  $('unfollow').addEventListener('click', function () { send({ type: 'unfollow' }); });
  $('menu-toggle').addEventListener('click', function () { $('menu').hidden = !$('menu').hidden; });
  $('composer').addEventListener('submit', function (e) {
    e.preventDefault(); var text = $('text').value.trim(); if (!text) return;
    $('text').value = ''; send({ type: 'text', text: text });
  });
  // Sample screenshots served by the simulator itself: an image proof works with no internet.
  for (var n = 1; n <= 3; n++) {
    var option = document.createElement('option');
    option.value = location.origin + BASE + '/samples/anh-minh-chung-' + n + '.png';
    option.label = 'Ảnh mẫu ' + n;
    $('attach-samples').appendChild(option);
  }
  $('attach').addEventListener('click', function () {
    var panel = $('attach-panel'); panel.hidden = !panel.hidden;
    $('attach').setAttribute('aria-expanded', String(!panel.hidden)); if (!panel.hidden) $('attach-url').focus();
  });
  $('attach-send').addEventListener('click', function () {
    var url = $('attach-url').value.trim();
    if (!/^https?:\/\//i.test(url)) { showBanner('Địa chỉ phải bắt đầu bằng http:// hoặc https://'); return; }
    $('attach-url').value = ''; $('attach-panel').hidden = true;
    send({ type: $('attach-kind').value === 'image' ? 'image' : 'link', url: url });
  });
  document.addEventListener('visibilitychange', markSeen);
  // Images load after the rows are placed; 'load' does not bubble, so listen while capturing.
  $('thread').addEventListener('load', scrollBottom, true);
  renderChrome(); connect();
});
`;

export const PAGE_SCRIPT = `${PAGE_RENDER}\n${PAGE_MAIN}`;
