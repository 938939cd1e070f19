/**
 * The simulator page: static HTML and CSS kept as strings, so `npm run build` needs no asset
 * copying and the page loads nothing from the internet. The script is in simulator.page-script.ts.
 */

const escapeAttribute = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderPage(basePath: string): string {
  const base = escapeAttribute(basePath.replace(/\/+$/, ''));
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>Vùng Xanh · Trò chuyện thử</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/app.css">
<script src="${base}/app.js" defer></script>
</head>
<body data-base="${base}">
<div class="app" id="app" data-channel="messenger">
  <header class="top">
    <div class="brand"><span class="logo" aria-hidden="true">VX</span><div><strong>Vùng Xanh</strong><small>Trò chuyện thử với chatbot</small></div></div>
    <nav class="tabs" role="tablist" aria-label="Nền tảng">
      <button type="button" role="tab" id="tab-zalo" data-channel="zalo" aria-selected="false">Zalo</button>
      <button type="button" role="tab" id="tab-messenger" data-channel="messenger" aria-selected="true">Messenger</button>
    </nav>
  </header>
  <section class="who">
    <label for="name">Tên</label>
    <input id="name" maxlength="80" autocomplete="off" placeholder="Ví dụ: Nguyễn Minh Anh">
    <button id="new-user" type="button" class="ghost">Người dùng mới</button>
    <small id="user-id" class="muted"></small>
  </section>
  <div class="chat">
    <div class="chat-head">
      <span class="avatar" aria-hidden="true">VX</span>
      <div class="chat-title"><strong id="page-name">Vùng Xanh</strong><small id="page-sub" class="muted"></small></div>
      <div class="head-actions">
        <button id="start" type="button" class="primary">Bắt đầu</button>
        <button id="unfollow" type="button" class="ghost zalo-only">Bỏ quan tâm</button>
        <button id="menu-toggle" type="button" class="ghost messenger-only" hidden>☰ Menu</button>
      </div>
    </div>
    <div id="banner" class="banner" role="alert" hidden></div>
    <div id="menu" class="menu" hidden></div>
    <main id="thread" class="thread" aria-live="polite"></main>
    <div id="typing" class="typing" hidden>Vùng Xanh đang soạn tin…</div>
    <div id="chips" class="chips"></div>
    <form id="composer" class="composer" autocomplete="off">
      <button id="attach" type="button" class="round" aria-label="Gửi liên kết hoặc ảnh" aria-expanded="false">+</button>
      <input id="text" maxlength="2000" placeholder="Nhập tin nhắn…" aria-label="Tin nhắn">
      <button id="send" type="submit" class="primary">Gửi</button>
    </form>
    <div id="attach-panel" class="attach-panel" hidden>
      <select id="attach-kind" aria-label="Loại đính kèm"><option value="link">Liên kết</option><option value="image">Ảnh (địa chỉ URL)</option></select>
      <input id="attach-url" type="url" placeholder="https://…" aria-label="Địa chỉ" list="attach-samples">
      <datalist id="attach-samples"></datalist>
      <button id="attach-send" type="button" class="primary">Gửi</button>
    </div>
  </div>
  <footer class="foot muted">Trang mô phỏng: mỗi tin đi qua webhook thật của ứng dụng, được ký đúng như Zalo và Facebook. Không có gì rời khỏi máy này.</footer>
</div>
</body>
</html>
`;
}

export const PAGE_STYLE = String.raw`
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1c1e21;background:#eef1f5}
button,input,select{font:inherit}
button{cursor:pointer;border:1px solid transparent;border-radius:8px;padding:7px 12px;background:#e4e6eb;color:#050505}
button:disabled{opacity:.5;cursor:default}
button.primary{background:var(--accent);color:#fff}
button.ghost{background:transparent;border-color:#ccd0d5;color:#1c1e21}
input,select{border:1px solid #ccd0d5;border-radius:8px;padding:7px 10px;background:#fff;min-width:0}
.muted{color:#65676b}
.app{--accent:#0084ff;max-width:720px;margin:0 auto;height:100vh;height:100dvh;display:flex;flex-direction:column;padding:8px;gap:8px}
.app[data-channel=zalo]{--accent:#0068ff}
.top{display:flex;align-items:center;justify-content:space-between;gap:8px;flex-wrap:wrap}
.brand{display:flex;align-items:center;gap:8px}
.brand small{display:block;color:#65676b;font-size:12px}
.logo,.avatar{display:inline-flex;align-items:center;justify-content:center;border-radius:50%;background:#1a9e55;color:#fff;font-weight:700;width:36px;height:36px;font-size:13px;flex:none}
.tabs{display:flex;background:#dfe3e8;border-radius:10px;padding:3px}
.tabs button{background:transparent;border-radius:8px;padding:6px 16px;font-weight:600;color:#444}
.tabs button[aria-selected=true]{background:#fff;color:var(--accent);box-shadow:0 1px 2px rgba(0,0,0,.15)}
.who{display:flex;align-items:center;gap:8px;flex-wrap:wrap;background:#fff;border-radius:12px;padding:8px 10px}
.who input{flex:1 1 120px}
.who button{padding:6px 10px;font-size:14px}
.who small{flex-basis:100%;font-size:12px}
.chat{flex:1;display:flex;flex-direction:column;background:#fff;border-radius:12px;overflow:hidden;min-height:340px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.chat-head{display:flex;align-items:center;gap:10px;padding:8px 10px;border-bottom:1px solid #e4e6eb;flex-wrap:wrap}
.chat-title{flex:1;display:flex;flex-direction:column;min-width:120px}
.chat-title small{font-size:12px}
.head-actions{display:flex;gap:6px;flex-wrap:wrap}
.app[data-channel=zalo] .messenger-only,.app[data-channel=messenger] .zalo-only{display:none}
.banner{margin:8px;padding:8px 10px;border-radius:8px;background:#fdecea;color:#8a1c12;border:1px solid #f5c2bd}
.menu{display:flex;flex-direction:column;gap:4px;padding:8px;border-bottom:1px solid #e4e6eb;background:#f7f8fa}
.menu button{text-align:left;background:#fff;border-color:#e4e6eb}
.thread{flex:1;overflow-y:auto;padding:12px 10px;display:flex;flex-direction:column;gap:4px;min-height:0}
.app[data-channel=zalo] .thread{background:#e2e9f1}
.row{display:flex;flex-direction:column;align-items:flex-start;max-width:100%}
.row.user{align-items:flex-end}
.row.center{align-items:center}
.bubble{max-width:78%;padding:8px 12px;border-radius:18px;background:#f0f0f0;white-space:pre-wrap;overflow-wrap:anywhere}
.row.user .bubble{background:#0084ff;color:#fff}
.row.user .bubble a{color:#fff}
.app[data-channel=zalo] .bubble{border-radius:10px;background:#fff;box-shadow:0 1px 1px rgba(0,0,0,.06)}
.app[data-channel=zalo] .row.user .bubble{background:#dbebff;color:#081c36}
.app[data-channel=zalo] .row.user .bubble a{color:#0068ff}
.status{font-size:12px;color:#65676b;margin:2px 4px 6px}
.status.error{color:#c62828;font-weight:600}
.system{align-self:center;font-size:12px;color:#65676b;background:rgba(255,255,255,.7);border-radius:10px;padding:3px 10px;margin:6px 0}
.media{max-width:240px;max-height:260px;border-radius:14px;display:block;border:1px solid #e4e6eb;background:#fafafa}
.broken{font-size:13px;padding:10px;border:1px dashed #bbb;border-radius:12px;max-width:240px;overflow-wrap:anywhere}
.card{max-width:280px;border:1px solid #dadde1;border-radius:14px;overflow:hidden;background:#fff}
.card .media{max-width:100%;width:100%;border:0;border-radius:0}
.card .body{padding:10px 12px;white-space:pre-wrap}
.card .title{font-weight:600}
.card .subtitle{font-size:13px;color:#65676b;margin-top:2px}
.card .actions{display:flex;flex-direction:column;border-top:1px solid #dadde1}
.card .actions a,.card .actions button{display:block;text-align:center;padding:9px;color:var(--accent);font-weight:600;text-decoration:none;background:#fff;border:0;border-radius:0;border-top:1px solid #eef0f2}
.card .actions :first-child{border-top:0}
.card form{display:flex;flex-direction:column;gap:6px;padding:10px 12px;border-top:1px solid #dadde1}
.card form button{background:var(--accent);color:#fff}
.link-card{font-size:13px;color:#65676b}
.chips{display:flex;flex-wrap:wrap;gap:6px;padding:0 10px 8px;justify-content:flex-end}
.chips:empty{display:none}
.chip{border:1px solid #0084ff;color:#0084ff;background:#fff;border-radius:18px;padding:6px 14px;font-weight:600}
.chips form{display:flex;gap:6px;width:100%}
.chips form input{flex:1}
.typing{padding:0 14px 6px;font-size:12px;color:#65676b;font-style:italic}
.composer{display:flex;gap:6px;padding:8px;border-top:1px solid #e4e6eb;align-items:center}
.composer input{flex:1;border-radius:18px;background:#f0f2f5;border-color:#f0f2f5;padding:9px 14px}
.round{border-radius:50%;width:36px;height:36px;padding:0;font-size:20px;line-height:1;background:#f0f2f5;color:var(--accent);flex:none}
.attach-panel{display:flex;gap:6px;padding:0 8px 8px;flex-wrap:wrap}
.attach-panel input{flex:1 1 180px}
.welcome{margin:auto;text-align:center;color:#65676b;padding:16px}
.welcome p{margin:0 0 10px}
.foot{font-size:12px;text-align:center;padding:4px}
[hidden]{display:none!important}
@media (max-width:480px){.app{padding:4px;gap:4px}.bubble{max-width:88%}.brand small{display:none}}
`;
