import { randomBytes } from 'node:crypto';
import type { Database } from '@spreekuur/db';
import type { Locale } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import { recordAudit, requireRole, type Principal } from '@spreekuur/server';
import type { AppointmentService } from '../appointments/appointment-service.ts';
import { findPerson } from '../access.ts';
import { appointmentIcs, calendarFeedIcs, DAY_MS, toUtcIso, type IcsOptions } from '../domain/index.ts';
import { feedAppointments, toAppointment } from '../store/appointment-store.ts';
import { revokeFeedToken, saveFeedToken, workerOfFeedToken } from '../store/feed-store.ts';
import { loadSettings } from '../store/settings-store.ts';

export interface CalendarServiceDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly publicUrl: string;
  readonly appointments: AppointmentService;
}

/** How far back and ahead a feed reaches (cancelled appointments included, so calendars drop them). */
const FEED_PAST_DAYS = 30;
const FEED_FUTURE_DAYS = 400;

/**
 * Calendar files. Each appointment as `.ics` (stable UID, SEQUENCE raised on reschedule and
 * cancel), and per worker a subscription feed behind a secret URL. Only the token's SHA-256 is
 * stored; the URL is shown once and can be replaced (which revokes the old one) or revoked.
 * Details are minimal: the kind of appointment, the place for face-to-face ones, and the
 * resident's name only when the organisation allows it.
 */
export class CalendarService {
  private readonly uidDomain: string;

  constructor(private readonly deps: CalendarServiceDeps) {
    this.uidDomain = new URL(deps.publicUrl).hostname || 'spreekuur.local';
  }

  async appointmentFile(principal: Principal, appointmentId: string, locale: Locale): Promise<string> {
    const row = await this.deps.appointments.accessible(principal, appointmentId);
    const options = await this.options(principal.orgId, locale);
    const resident = options.includeResidentName
      ? await findPerson(this.deps.db, principal.orgId, row.resident_id)
      : null;
    return appointmentIcs(
      { appointment: toAppointment(row), ...(resident ? { residentName: resident.displayName } : {}) },
      options,
    );
  }

  /** Makes (or replaces) the caller's feed URL. */
  async createFeed(principal: Principal): Promise<{ url: string; createdAt: string }> {
    requireRole(principal, 'worker', 'admin');
    const token = `cal_${randomBytes(32).toString('base64url')}`;
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      await saveFeedToken(tx, principal.orgId, principal.personId, token, now);
      await recordAudit(tx, {
        orgId: principal.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'calendar_feed.created',
        subjectType: 'person',
        subjectId: principal.personId,
      });
    });
    return {
      url: `${this.deps.publicUrl}/v1/calendar/feed.ics?token=${token}`,
      createdAt: toUtcIso(now),
    };
  }

  async revokeFeed(principal: Principal): Promise<void> {
    requireRole(principal, 'worker', 'admin');
    if (!(await revokeFeedToken(this.deps.db, principal.orgId, principal.personId))) {
      throw new AppError('ERR_NOT_FOUND', 'no calendar feed');
    }
    await recordAudit(this.deps.db, {
      orgId: principal.orgId,
      actorPersonId: principal.personId,
      actorDeviceId: principal.deviceId,
      action: 'calendar_feed.revoked',
      subjectType: 'person',
      subjectId: principal.personId,
    });
  }

  /** The feed for a token; 404 for an unknown or revoked token (nothing tells them apart). */
  async feed(token: string): Promise<string> {
    const owner = /^cal_[A-Za-z0-9_-]{43}$/.test(token) ? await workerOfFeedToken(this.deps.db, token) : null;
    if (!owner) throw new AppError('ERR_NOT_FOUND');
    const worker = await findPerson(this.deps.db, owner.orgId, owner.workerId);
    const now = this.deps.clock();
    const rows = await feedAppointments(
      this.deps.db,
      owner.workerId,
      new Date(now.getTime() - FEED_PAST_DAYS * DAY_MS),
      new Date(now.getTime() + FEED_FUTURE_DAYS * DAY_MS),
    );
    const options = await this.options(owner.orgId, worker.locale);
    return calendarFeedIcs(
      rows.map((row) => ({
        appointment: toAppointment(row),
        ...(options.includeResidentName ? { residentName: row.resident_name } : {}),
      })),
      { ...options, calendarName: worker.locale === 'en' ? 'Spreekuur appointments' : 'Spreekuur afspraken' },
    );
  }

  private async options(orgId: string, locale: Locale): Promise<IcsOptions> {
    const settings = await loadSettings(this.deps.db, orgId);
    return { uidDomain: this.uidDomain, locale, includeResidentName: settings.calendarResidentNames };
  }
}
