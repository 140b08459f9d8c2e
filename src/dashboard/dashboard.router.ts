import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The assets live next to this file in the source tree; tsc does not copy them, so a compiled
 * process (dist/src/dashboard) falls back to the package's src/dashboard/assets.
 */
function assetsDir(): string {
  const candidates = [path.join(__dirname, 'assets'), path.resolve(__dirname, '../../../src/dashboard/assets')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0];
}

/** graphql-ws's own browser build (it defines window.graphqlWs), served from node_modules: no CDN. */
function graphqlWsBrowserBuild(): string {
  return path.join(path.dirname(require.resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js');
}

/**
 * GET /dashboard: a static page that talks to /graphql like any other client (the API key the
 * operator enters, content-type application/json so Apollo's CSRF prevention lets it through,
 * graphql-ws for live updates). It holds no data and needs no auth itself.
 */
export function dashboardRouter(): Router {
  const router = Router();
  const dir = assetsDir();
  // Script and style come from this origin only; the page connects back to its own /graphql.
  router.use('/dashboard', (_req, res, next) => {
    res.set(
      'Content-Security-Policy',
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
    next();
  });
  router.get('/dashboard', (req, res, next) => {
    // Relative asset URLs resolve against /dashboard/, so send the bare path there.
    if (!req.originalUrl.split('?')[0].endsWith('/')) return res.redirect(301, '/dashboard/');
    next();
  });
  router.get('/dashboard/vendor/graphql-ws.js', (_req, res) => {
    res.type('application/javascript').sendFile(graphqlWsBrowserBuild());
  });
  router.use('/dashboard', express.static(dir, { index: 'index.html', fallthrough: false, maxAge: 0 }));
  return router;
}
