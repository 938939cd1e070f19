import type { AdminPage } from '../admin-page';
import { ALL_STAFF_ROLES } from '../admin-page';
import { html } from '../views/html';
import { sendPage } from '../views/layout';

/** Tổng quan: filled in by the dashboard commit. */
export function dashboardPage(): AdminPage {
  return {
    path: '/',
    title: 'Tổng quan',
    roles: ALL_STAFF_ROLES,
    nav: { label: 'Tổng quan', order: 10 },
    routes: (r) => {
      r.get('/', (req, res) => {
        sendPage(req, res, { title: 'Tổng quan', body: html`<h1>Tổng quan</h1>` });
      });
    },
  };
}
