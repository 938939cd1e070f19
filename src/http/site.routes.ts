import { Router } from 'express';

export interface SiteRoutesDeps {
  /** Zalo's domain-ownership code (ZALO_SITE_VERIFICATION). */
  readonly zaloSiteVerification: string | undefined;
  /** Whether /simulator is served, to link it from the home page. */
  readonly simulator: boolean;
}

const escapeAttribute = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The home page and Zalo's domain verification: Zalo asks for a file `zalo_verifier<code>.html`
 * (or a meta tag on the home page) before it trusts the domain; both come from a setting, so
 * going live needs no code change.
 */
export function createSiteRouter(deps: SiteRoutesDeps): Router {
  const router = Router();
  const code = deps.zaloSiteVerification;
  const meta = code ? `<meta name="zalo-platform-site-verification" content="${escapeAttribute(code)}" />` : '';

  if (code) {
    router.get(`/zalo_verifier${code}.html`, (_req, res) => {
      res
        .type('html')
        .send(`<html><head>${meta}</head><body>There Is No Limit To What You Can Accomplish Using Zalo!</body></html>`);
    });
  }

  router.get('/', (_req, res) => {
    const simulator = deps.simulator ? '<p><a href="/simulator">Mở trang mô phỏng trò chuyện (Zalo / Messenger)</a></p>' : '';
    const admin = '<p><a href="/admin">Trang quản trị (cán bộ Đoàn đăng nhập)</a></p>';
    res
      .type('html')
      .send(
        `<!doctype html><html lang="vi"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />${meta}` +
          `<title>Vùng Xanh</title></head><body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">` +
          `<h1>Vùng Xanh</h1><p>Chatbot và trang quản trị cho mô hình “Xanh hóa không gian mạng” của Đoàn Thanh niên.</p>${admin}${simulator}</body></html>`,
      );
  });
  return router;
}
