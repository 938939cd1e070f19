import { Router } from 'express';
import type { Logger } from '../logging/logger';
import { registry } from '../metrics/metrics';

/** GET /metrics: this process's metrics in Prometheus text format (src/metrics/metrics.ts). */
export function createMetricsRouter(logger: Logger): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    try {
      const body = await registry.metrics();
      res.status(200).type(registry.contentType).send(body);
    } catch (err) {
      logger.warn({ err }, 'metrics could not be collected');
      res.status(503).json({ error: { code: 'DEPENDENCY_UNAVAILABLE', message: 'metrics unavailable' } });
    }
  });
  return router;
}
