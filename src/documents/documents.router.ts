import { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import type { DocumentsService } from './documents.service';

/**
 * GET /documents/:id?expires=&signature= — StoredDocument.downloadUrl. No API key or session: the
 * signed URL is the capability (document-url-signer.ts). 403 for an expired or tampered URL
 * (without saying which), 404 for a valid signature over a document that is gone. Mounted ahead
 * of the access log, which would otherwise record the signature with the URL.
 */
export function documentsRouter(documents: DocumentsService, log: Logger): Router {
  const router = Router();
  router.get('/documents/:id', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    res.set('x-content-type-options', 'nosniff');
    res.set('cache-control', 'private, no-store');
    // Nothing served here is meant to run on this origin, whatever a browser makes of it.
    res.set('content-security-policy', "default-src 'none'; sandbox");
    try {
      const opened = await documents.open(id, req.query.expires, req.query.signature);
      log.info({ documentId: id.slice(0, 36), outcome: opened.outcome }, 'document download');
      if (opened.outcome !== 'valid') {
        if (opened.outcome === 'not_found') res.status(404).json({ error: 'not_found' });
        else res.status(403).json({ error: 'forbidden' });
        return;
      }
      const { document, bytes } = opened;
      res.status(200);
      res.set('content-type', document.contentType);
      res.set('content-length', String(bytes.length));
      res.set('content-disposition', contentDisposition(document.name));
      res.end(bytes);
    } catch (error) {
      log.error({ documentId: id.slice(0, 36), err: { message: (error as Error).message, name: (error as Error).name } }, 'document download failed');
      res.status(503).json({ error: 'unavailable' });
    }
  });
  return router;
}

/** attachment with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
