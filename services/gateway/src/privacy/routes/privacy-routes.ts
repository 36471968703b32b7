import type { FastifyInstance } from 'fastify';
import {
  MAX_HISTORY_TRANSFER_BYTES,
  MAX_KEY_BACKUP_BYTES,
  privacyEndpoints as endpoints,
} from '@spreekuur/protocol/privacy';
import { perDeviceRateLimit, routeGroup } from '@spreekuur/server';
import type { PrivacyServices } from '../services.ts';

/** Key backups are small and rarely change: a handful of writes an hour is plenty, and slows a thief. */
const BACKUP_WRITES_PER_HOUR = 10;
const BACKUP_READS_PER_HOUR = 20;
/** Exports read a lot; erasures are rare and final. */
const HEAVY_PER_HOUR = 10;
/** Base64url of the largest backup plus room for the JSON around it. */
const BACKUP_BODY_LIMIT = Math.ceil((MAX_KEY_BACKUP_BYTES * 4) / 3) + 1024;
/** A history transfer is made when a device is approved: rare, but a few tries are fine. */
const TRANSFER_WRITES_PER_HOUR = 10;
const TRANSFER_READS_PER_HOUR = 60;
const TRANSFER_BODY_LIMIT = Math.ceil((MAX_HISTORY_TRANSFER_BYTES * 4) / 3) + 1024;

/** Retention, audit log, export, erasure, key backup and history transfer: endpoint → one service call. */
export async function privacyRoutes(app: FastifyInstance, services: PrivacyServices) {
  const { retention, audit, personData, keyBackups, historyTransfers } = services;
  const routes = routeGroup(app);
  const heavy = { rateLimit: perDeviceRateLimit(HEAVY_PER_HOUR, '1 hour') };

  routes.add(endpoints.getRetention, ({ principal }) => retention.view(principal));
  routes.add(endpoints.updateRetention, ({ principal, body }) => retention.update(principal, body));
  routes.add(endpoints.updateTeamRetention, ({ principal, params, body }) =>
    retention.updateTeam(principal, params.id, body),
  );
  routes.add(endpoints.retentionNotice, ({ principal }) => retention.notice(principal));
  routes.add(endpoints.runRetention, ({ principal }) => retention.runNow(principal), heavy);

  routes.add(endpoints.listAudit, ({ principal, query }) => audit.list(principal, query));
  routes.add(endpoints.exportAuditCsv, async ({ principal, query, reply }) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="audit.csv"')
      .send(await audit.csv(principal, query)),
  );
  routes.add(endpoints.listOwnAudit, ({ principal, query }) => audit.listOwn(principal, query));

  routes.add(
    endpoints.exportOwnData,
    ({ principal }) => personData.export(principal, principal.personId),
    heavy,
  );
  routes.add(
    endpoints.exportPersonData,
    ({ principal, params }) => personData.exportFor(principal, params.id),
    heavy,
  );
  routes.add(endpoints.eraseSelf, ({ principal }) => personData.erase(principal, principal.personId), heavy);
  routes.add(
    endpoints.erasePerson,
    ({ principal, params }) => personData.eraseFor(principal, params.id),
    heavy,
  );

  routes.add(endpoints.putKeyBackup, ({ principal, body }) => keyBackups.put(principal, body.ciphertext), {
    rateLimit: perDeviceRateLimit(BACKUP_WRITES_PER_HOUR, '1 hour'),
    bodyLimit: BACKUP_BODY_LIMIT,
  });
  routes.add(endpoints.getKeyBackup, ({ principal }) => keyBackups.get(principal), {
    rateLimit: perDeviceRateLimit(BACKUP_READS_PER_HOUR, '1 hour'),
  });
  routes.add(endpoints.deleteKeyBackup, ({ principal }) => keyBackups.delete(principal));

  routes.add(
    endpoints.putHistoryTransfer,
    ({ principal, params, body }) => historyTransfers.put(principal, params.id, body.ciphertext),
    { rateLimit: perDeviceRateLimit(TRANSFER_WRITES_PER_HOUR, '1 hour'), bodyLimit: TRANSFER_BODY_LIMIT },
  );
  routes.add(
    endpoints.getHistoryTransfer,
    ({ principal, params }) => historyTransfers.get(principal, params.id),
    { rateLimit: perDeviceRateLimit(TRANSFER_READS_PER_HOUR, '1 hour') },
  );
  routes.add(endpoints.deleteHistoryTransfer, ({ principal, params }) =>
    historyTransfers.delete(principal, params.id),
  );
}
