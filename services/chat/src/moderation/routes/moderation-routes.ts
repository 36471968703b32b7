import type { FastifyInstance } from 'fastify';
import { moderationEndpoints as endpoints } from '@spreekuur/protocol/chat';
import { routeGroup } from '@spreekuur/server';
import type { JoinService } from '../join-service.ts';
import type { ModerationService } from '../moderation-service.ts';
import type { ReportService } from '../report-service.ts';

/** Group moderation and reports: endpoint from the protocol → one service call. */
export async function moderationRoutes(
  app: FastifyInstance,
  {
    moderation,
    joins,
    reports,
  }: { moderation: ModerationService; joins: JoinService; reports: ReportService },
) {
  const routes = routeGroup(app);
  routes.add(endpoints.state, ({ principal, params }) => moderation.state(principal, params.id));
  routes.add(endpoints.mute, ({ principal, params, body }) =>
    moderation.mute(principal, params.id, body.personId, body.seconds),
  );
  routes.add(endpoints.unmute, ({ principal, params }) =>
    moderation.unmute(principal, params.id, params.personId),
  );
  routes.add(endpoints.ban, ({ principal, params, body }) =>
    moderation.ban(principal, params.id, body.personId),
  );
  routes.add(endpoints.unban, ({ principal, params }) =>
    moderation.unban(principal, params.id, params.personId),
  );
  routes.add(endpoints.slowMode, ({ principal, params, body }) =>
    moderation.setSlowMode(principal, params.id, body.seconds),
  );
  routes.add(endpoints.lock, ({ principal, params, body }) =>
    moderation.setLocked(principal, params.id, body.locked),
  );
  routes.add(endpoints.pin, ({ principal, params, body }) => moderation.pin(principal, params.id, body.seq));
  routes.add(endpoints.unpin, ({ principal, params }) => moderation.unpin(principal, params.id, params.seq));
  routes.add(endpoints.setRole, ({ principal, params, body }) =>
    moderation.setRole(principal, params.id, params.personId, body.role),
  );
  routes.add(endpoints.approval, ({ principal, params, body }) =>
    joins.setApprovalRequired(principal, params.id, body.required),
  );
  routes.add(endpoints.createLink, ({ principal, params }) => joins.createLink(principal, params.id));
  routes.add(endpoints.links, async ({ principal, params }) => ({
    links: await joins.links(principal, params.id),
  }));
  routes.add(endpoints.revokeLink, ({ principal, params }) =>
    joins.revokeLink(principal, params.id, params.linkId),
  );
  routes.add(endpoints.joinRequests, async ({ principal, params }) => ({
    requests: await joins.joinRequests(principal, params.id),
  }));
  routes.add(endpoints.decideJoin, async ({ principal, params, body }) => ({
    requests: await joins.decide(principal, params.id, params.personId, body.decision, body.proof),
  }));
  routes.add(endpoints.previewLink, ({ principal, body }) => joins.preview(principal, body.token));
  routes.add(endpoints.joinByLink, ({ principal, body }) => joins.join(principal, body.token));
  routes.add(endpoints.createReport, ({ principal, body }) => reports.create(principal, body));
  routes.add(endpoints.reportQueue, async ({ principal, params, query }) => ({
    reports: await reports.queue(principal, params.id, query.status),
  }));
  routes.add(endpoints.resolveReport, ({ principal, params, body }) =>
    reports.resolve(principal, params.id, body.resolution),
  );
  routes.add(endpoints.myReports, async ({ principal }) => ({ reports: await reports.mine(principal) }));
  routes.add(endpoints.reportOverview, async ({ principal }) => ({
    reports: await reports.overview(principal),
  }));
}
