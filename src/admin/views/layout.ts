import type { Request, Response } from 'express';
import { STAFF_ROLE_NAMES } from '../../domain/staff/staff-account.service';
import { adminSessionOf, adminViewOf, isHtmx, type AdminSession, type AdminView } from '../admin-context';
import { html, type Html } from './html';

export interface PageContent {
  readonly title: string;
  readonly body: Html;
  readonly status?: number;
}

// htmx: no eval (the CSP forbids it), no injected indicator <style> (the CSP forbids that too).
const HTMX_CONFIG = JSON.stringify({ allowEval: false, includeIndicatorStyles: false, allowScriptTags: false });

function head(view: AdminView, title: string): Html {
  return html`<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="robots" content="noindex" />
<meta name="htmx-config" content="${HTMX_CONFIG}" />
<title>${title} · Vùng Xanh</title>
<link rel="icon" type="image/svg+xml" href="${view.assets.url('icon.svg')}" />
<link rel="stylesheet" href="${view.assets.url('admin.css')}" />
<script src="${view.assets.url('htmx.js')}" defer></script>
<script src="${view.assets.url('chart.js')}" defer></script>
<script src="${view.assets.url('admin.js')}" defer></script>`;
}

function isCurrent(href: string, basePath: string, path: string): boolean {
  return href === basePath ? path === basePath || path === `${basePath}/` : path === href || path.startsWith(`${href}/`);
}

function topBar(view: AdminView, session: AdminSession, path: string): Html {
  const { staff } = session;
  const entries = view.nav.filter((n) => n.roles.includes(staff.role));
  return html`<header class="top">
  <a class="brand" href="${view.basePath}">Vùng Xanh</a>
  <div class="who"><span>${session.displayName ?? staff.username}</span><span class="role muted">(${STAFF_ROLE_NAMES[staff.role]})</span>
    <form method="post" action="${view.basePath}/logout"><input type="hidden" name="_csrf" value="${session.csrfToken}" /><button type="submit">Đăng xuất</button></form>
  </div>
</header>
<nav class="main" aria-label="Chức năng">${entries.map(
    (n) => html`<a href="${n.href}"${isCurrent(n.href, view.basePath, path) ? html` aria-current="page"` : ''}>${n.label}</a>`,
  )}</nav>`;
}

/** A whole page in the layout (nav for the role, CSRF header for htmx), or just the body for htmx. */
export function sendPage(req: Request, res: Response, content: PageContent): void {
  const view = adminViewOf(res);
  const session = adminSessionOf(res);
  res.status(content.status ?? 200).type('html');
  if (isHtmx(req) && req.get('hx-target')) {
    res.send(content.body.value);
    return;
  }
  const hxHeaders = session ? JSON.stringify({ 'X-CSRF-Token': session.csrfToken }) : undefined;
  const page = html`<!doctype html>
<html lang="vi">
<head>${head(view, content.title)}</head>
<body${hxHeaders ? html` hx-headers="${hxHeaders}"` : ''}>
${session ? topBar(view, session, req.originalUrl.split('?')[0] ?? '') : ''}
<main>${content.body}</main>
</body>
</html>`;
  res.send(page.value);
}

/** An htmx fragment (or a small answer to any script). */
export function sendFragment(res: Response, body: Html, status = 200): void {
  res.status(status).type('html').send(body.value);
}
