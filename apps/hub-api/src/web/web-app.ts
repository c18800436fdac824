import { NestExpressApplication } from '@nestjs/platform-express';
import { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The built web app: dist/web (index.html, styles.css, js/), found from the repository root. */
export function webAppDir(): string {
  if (process.env.WEB_APP_DIR) return process.env.WEB_APP_DIR;
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return join(process.cwd(), 'dist', 'web');
    dir = up;
  }
  return join(dir, 'dist', 'web');
}

/**
 * The page's own scripts and styles only, no framing, no inline script; API calls to this
 * origin only. A name in a record can never run as script, and the bearer token in
 * sessionStorage is out of reach of anything the hub did not serve.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/**
 * Serves the users' web app from hub-api at /app/ (and `/` redirects there). Same origin
 * as the API, so no CORS and the token never crosses origins.
 */
export function serveWebApp(app: NestExpressApplication): void {
  const dir = webAppDir();
  app.use('/app', (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-cache');
    next();
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' && (req.path === '/' || req.path === '/app')) return res.redirect(302, '/app/');
    next();
  });
  app.useStaticAssets(dir, { prefix: '/app/', index: 'index.html' });
}
