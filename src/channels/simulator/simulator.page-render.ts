/**
 * The page's renderers (plain browser JavaScript, prepended to the script in
 * simulator.page-script.ts). Every message is drawn with textContent and createElement, never
 * innerHTML: message text comes from the bot and from whoever types in the page.
 */
export const PAGE_RENDER = String.raw`
'use strict';
function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
function isHttpUrl(value) { return typeof value === 'string' && /^https?:\/\//i.test(value); }
function linkify(parent, text) {
  String(text).split(/(https?:\/\/[^\s<>"]+)/g).forEach(function (part, i) {
    if (i % 2 === 1) {
      var a = el('a', '', part); a.href = part; a.target = '_blank'; a.rel = 'noopener noreferrer';
      parent.appendChild(a);
    } else if (part) parent.appendChild(document.createTextNode(part));
  });
  return parent;
}
function bubble(text) { return linkify(el('div', 'bubble'), text); }
function image(url) {
  if (!isHttpUrl(url)) return el('div', 'broken', 'Ảnh không hợp lệ');
  var img = el('img', 'media'); img.alt = 'Ảnh'; img.src = url; img.loading = 'lazy';
  img.addEventListener('error', function () {
    var broken = el('div', 'broken', 'Không tải được ảnh: '); linkify(broken, url); img.replaceWith(broken);
  });
  return img;
}
function linkButton(title, url) {
  var a = el('a', '', title || url);
  if (isHttpUrl(url)) { a.href = url; a.target = '_blank'; a.rel = 'noopener noreferrer'; }
  return a;
}
function card(title, subtitle, imageUrl) {
  var box = el('div', 'card');
  if (imageUrl) box.appendChild(image(imageUrl));
  var body = el('div', 'body');
  if (title) body.appendChild(linkify(el('div', 'title'), title));
  if (subtitle) body.appendChild(linkify(el('div', 'subtitle'), subtitle));
  box.appendChild(body);
  return box;
}
function messengerButtons(box, buttons, onAction) {
  var actions = el('div', 'actions');
  (buttons || []).forEach(function (b) {
    if (b.type === 'web_url') actions.appendChild(linkButton(b.title, b.url));
    else if (b.type === 'postback') {
      var btn = el('button', '', b.title); btn.type = 'button';
      btn.addEventListener('click', function () { onAction({ type: 'postback', title: b.title, payload: b.payload }); });
      actions.appendChild(btn);
    } else actions.appendChild(el('button', '', b.title));
  });
  if (actions.childNodes.length) box.appendChild(actions);
}
function renderMessengerBot(content, onAction) {
  var m = content || {};
  if (typeof m.text === 'string') return [bubble(m.text)];
  var att = m.attachment || {}; var payload = att.payload || {};
  if (att.type === 'image') return [image(payload.url)];
  if (att.type === 'template' && payload.template_type === 'button') {
    var box = el('div', 'card'); box.appendChild(linkify(el('div', 'body'), payload.text));
    messengerButtons(box, payload.buttons, onAction); return [box];
  }
  if (att.type === 'template' && payload.template_type === 'generic') {
    return (payload.elements || []).map(function (e) {
      var c = card(e.title, e.subtitle, e.image_url); messengerButtons(c, e.buttons, onAction); return c;
    });
  }
  return [el('div', 'broken', 'Tin nhắn loại ' + (att.type || '?') + ' (trang mô phỏng chưa hiển thị được)')];
}
function renderMessengerUser(content) {
  var item = content || {};
  if (item.postback) return [bubble(item.postback.title)];
  var m = item.message || {};
  var nodes = [];
  if (typeof m.text === 'string') nodes.push(bubble(m.text));
  (m.attachments || []).forEach(function (a) { if (a.type === 'image') nodes.push(image(a.payload && a.payload.url)); });
  return nodes;
}
function zaloShareForm(box, defaults, onAction) {
  var form = el('form');
  var name = el('input'); name.placeholder = 'Họ và tên'; name.value = defaults.name || ''; name.maxLength = 80; name.setAttribute('aria-label', 'Họ và tên');
  var phone = el('input'); phone.type = 'tel'; phone.placeholder = 'Số điện thoại'; phone.maxLength = 20; phone.setAttribute('aria-label', 'Số điện thoại');
  var ok = el('button', '', 'Đồng ý chia sẻ'); ok.type = 'submit';
  form.appendChild(name); form.appendChild(phone); form.appendChild(ok);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!name.value.trim() || !phone.value.trim()) { (name.value.trim() ? phone : name).focus(); return; }
    onAction({ type: 'shareInfo', name: name.value.trim(), phone: phone.value.trim() });
    form.remove();
  });
  box.appendChild(form);
  form.scrollIntoView({ block: 'nearest' });
  phone.focus();
}
function renderZaloBot(message, kind, onAction, defaults) {
  var m = message || {};
  if (kind === 'template') {
    var t = card('Tin mẫu ' + m.template_id, Object.keys(m.template_data || {}).map(function (k) { return k + ': ' + m.template_data[k]; }).join('\n'));
    return [t];
  }
  if (typeof m.text === 'string') return [bubble(m.text)];
  var payload = (m.attachment && m.attachment.payload) || {};
  var elements = payload.elements || [];
  if (payload.template_type === 'media') return elements.map(function (e) { return image(e.url); });
  if (payload.template_type === 'request_user_info') {
    var e = elements[0] || {};
    var box = card(e.title, e.subtitle, e.image_url);
    var actions = el('div', 'actions');
    var share = el('button', '', 'Chia sẻ thông tin'); share.type = 'button';
    share.addEventListener('click', function () { if (!box.querySelector('form')) zaloShareForm(box, defaults, onAction); });
    actions.appendChild(share); box.appendChild(actions);
    return [box];
  }
  return [el('div', 'broken', 'Tin nhắn loại ' + (payload.template_type || (m.attachment && m.attachment.type) || '?') + ' (trang mô phỏng chưa hiển thị được)')];
}
function renderZaloUser(body) {
  var b = body || {}; var m = b.message || {};
  switch (b.event_name) {
    case 'follow': return [el('div', 'system', 'Bạn đã quan tâm Vùng Xanh')];
    case 'unfollow': return [el('div', 'system', 'Bạn đã bỏ quan tâm Vùng Xanh')];
    case 'user_submit_info': return [bubble('Đã chia sẻ thông tin: ' + (b.info && b.info.name) + ', ' + (b.info && b.info.phone))];
    case 'user_send_image': return (m.attachments || []).map(function (a) { return image(a.payload && a.payload.url); });
    case 'user_send_link': {
      var url = (m.attachments && m.attachments[0] && m.attachments[0].payload.url) || m.text;
      var box = bubble(''); box.appendChild(linkButton(url, url)); return [box];
    }
    default: return [bubble(m.text || '')];
  }
}
function statusLine(webhook) {
  if (webhook === 'pending') return el('div', 'status', 'Đang gửi…');
  if (!webhook) return null;
  if (webhook.status === null) return el('div', 'status error', 'Không gửi được tới máy chủ của ứng dụng: ' + webhook.error);
  if (webhook.status >= 200 && webhook.status < 300) return null;
  return el('div', 'status error', 'Máy chủ trả lời ' + webhook.status + ': tin nhắn chưa được nhận.');
}
`;
