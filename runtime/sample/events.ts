// The app-log event model: users (zipf-like activity), sessions (a referrer, a landing page, a walk
// over the site) and their events, one day at a time, as NDJSON lines. Pure: a seeded Random in,
// lines out, so the same seed always gives the same bytes.
import { COUNTRIES, COUNTRY_WEIGHTS, DEVICES, DEVICE_WEIGHTS, HOUR_WEIGHTS, PAGES, REFERRERS, SEARCH_TERMS, type Page } from './catalog.js';
import type { Random } from './random.js';

/** One raw record as the app's collector writes it; absent optional fields are omitted. */
export interface RawEvent {
  event_id: string;
  user_id?: number | string;
  session_id?: string;
  action: string;
  page: string;
  referrer?: string;
  country?: string;
  device?: string;
  ts: string;
}

/** The ways the sample breaks a record on purpose, so dead-lettering has something to catch. */
export const MALFORMED_KINDS = ['bad JSON', 'bad timestamp', 'missing user_id', 'non-numeric user_id'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export interface DayPlan {
  /** UTC midnight of the day, in ms since the epoch. */
  start: number;
  /** Events to generate this day (before duplicates). */
  events: number;
}

export interface DayStats {
  sessions: number;
  duplicates: number;
  malformed: number;
}

interface User {
  id: number;
  country: string;
  device: string;
}

const DAY_MS = 86_400_000;
const MEAN_SESSION_EVENTS = 7;
const MAX_SESSION_EVENTS = 80;
const MEAN_GAP_SECONDS = 40;
const SECTIONS = new Map<string, Page[]>();
for (const p of PAGES) SECTIONS.set(p.section, [...(SECTIONS.get(p.section) ?? []), p]);
const PAGE_BY_PATH = new Map(PAGES.map((p) => [p.path, p]));
const REFERRER_WEIGHTS = REFERRERS.map((r) => r.weight);

export class EventModel {
  private readonly users: User[];

  constructor(
    private readonly rng: Random,
    userCount: number,
    private readonly duplicateRate: number,
  ) {
    this.users = Array.from({ length: userCount }, (_, i) => ({
      id: 100_000 + i,
      country: rng.weighted(COUNTRIES, COUNTRY_WEIGHTS),
      device: rng.weighted(DEVICES, DEVICE_WEIGHTS),
    }));
  }

  /**
   * The day's lines. Session starts follow the hourly traffic curve and are sorted, so a file reads
   * roughly in time order, as a collector's batches do. `malformed(i)` says whether the day's i-th
   * event is broken on purpose, and how.
   */
  *day(plan: DayPlan, malformed: (index: number) => MalformedKind | undefined, stats: DayStats): Generator<string> {
    const rng = this.rng;
    const lengths: number[] = [];
    for (let left = plan.events; left > 0; ) {
      const n = Math.min(left, MAX_SESSION_EVENTS, rng.geometric(MEAN_SESSION_EVENTS));
      lengths.push(n);
      left -= n;
    }
    const starts = lengths.map(() => plan.start + rng.weighted(HOUR_INDEXES, HOUR_WEIGHTS) * 3_600_000 + rng.int(0, 3_599_999)).sort((a, b) => a - b);
    let index = 0;
    for (let s = 0; s < lengths.length; s++) {
      stats.sessions++;
      const retries: string[] = [];
      for (const event of this.session(starts[s], plan.start + DAY_MS, lengths[s])) {
        const kind = malformed(index++);
        const line = kind ? breakRecord(event, kind, rng) : JSON.stringify(event);
        if (kind) stats.malformed++;
        yield line;
        // At-least-once delivery: a few records arrive twice, after the rest of their batch.
        if (!kind && rng.chance(this.duplicateRate)) retries.push(line);
      }
      stats.duplicates += retries.length;
      yield* retries;
    }
  }

  private *session(start: number, dayEnd: number, length: number): Generator<RawEvent> {
    const rng = this.rng;
    const user = this.users[rng.zipf(this.users.length, 8)];
    const referrer = rng.weighted(REFERRERS, REFERRER_WEIGHTS);
    const sessionId = rng.chance(0.005) ? undefined : `s_${rng.hex(16)}`;
    let page = this.landingPage(referrer.landing);
    let t = start;
    for (let i = 0; i < length; i++) {
      if (i > 0) {
        page = this.nextPage(page);
        // Keep the session inside its day: a late session's gaps shrink instead of crossing midnight.
        const gap = Math.max(1000, Math.round(rng.exponential(MEAN_GAP_SECONDS) * 1000));
        t = t + gap < dayEnd ? t + gap : t + Math.floor((dayEnd - t) / 2);
      }
      const last = i === length - 1;
      const action = last && rng.chance(0.04) ? 'logout' : this.actionOn(page);
      yield {
        event_id: uuid(rng),
        user_id: user.id,
        session_id: sessionId,
        action: rng.chance(0.015) ? action.toUpperCase() : action,
        page: this.rawPath(page, i === 0 ? referrer.url : undefined),
        referrer: i === 0 ? referrer.url : undefined,
        country: rng.chance(0.03) ? user.country.toLowerCase() : user.country,
        device: rng.chance(0.01) ? undefined : user.device,
        ts: timestamp(t, rng),
      };
    }
  }

  private landingPage(sections: readonly string[]): Page {
    const pages = SECTIONS.get(this.rng.pick(sections)) ?? PAGES;
    return pages[this.rng.zipf(pages.length)];
  }

  private nextPage(current: Page): Page {
    const rng = this.rng;
    if (current.path === '/cart' && rng.chance(0.45)) return PAGE_BY_PATH.get('/checkout')!;
    if (current.path === '/checkout' && rng.chance(0.5)) return PAGE_BY_PATH.get('/checkout/success')!;
    if (current.section === 'shop' && current.path !== '/products' && rng.chance(0.12)) return PAGE_BY_PATH.get('/cart')!;
    if (rng.chance(0.35)) {
      const section = SECTIONS.get(current.section)!;
      return section[rng.zipf(section.length)];
    }
    return PAGES[rng.zipf(PAGES.length, 2)];
  }

  private actionOn(page: Page): string {
    const rng = this.rng;
    switch (page.path) {
      case '/search': return 'search';
      case '/login': return rng.chance(0.7) ? 'login' : 'page_view';
      case '/signup': return rng.chance(0.5) ? 'signup' : 'page_view';
      case '/checkout/success': return 'purchase';
    }
    if (page.section === 'shop' && page.path !== '/products') return rng.weighted(['page_view', 'click', 'add_to_cart'], [60, 25, 15]);
    return rng.chance(0.78) ? 'page_view' : 'click';
  }

  /** The path as the browser reported it: query strings, fragments and trailing slashes included. */
  private rawPath(page: Page, referrer: string | undefined): string {
    const rng = this.rng;
    if (page.path === '/search') return `/search?q=${rng.pick(SEARCH_TERMS)}`;
    if (referrer === 'https://newsletter.example.com/') return `${page.path}?utm_source=newsletter&utm_medium=email`;
    if (page.section === 'docs' && rng.chance(0.05)) return `${page.path}#overview`;
    if (page.path !== '/' && rng.chance(0.08)) return `${page.path}/`;
    return page.path;
  }
}

const HOUR_INDEXES = HOUR_WEIGHTS.map((_, i) => i);

/** A random (version 4 layout) UUID drawn from the seeded generator. */
function uuid(rng: Random): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

/** ISO 8601 in UTC; a few clients send a local offset instead (the same instant). */
function timestamp(ms: number, rng: Random): string {
  if (!rng.chance(0.02)) return isoUtc(ms);
  const local = new Date(ms + 3_600_000).toISOString().slice(0, 23);
  return `${local}+01:00`;
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = NaN;
let cachedPrefix = '';

/** Date.prototype.toISOString, without a Date per call (the generator writes millions). */
function isoUtc(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const t = ms - day * DAY_MS;
  const millis = t % 1000;
  return `${cachedPrefix}${PAD2[Math.floor(t / 3_600_000)]}:${PAD2[Math.floor(t / 60_000) % 60]}:${PAD2[Math.floor(t / 1000) % 60]}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function breakRecord(event: RawEvent, kind: MalformedKind, rng: Random): string {
  switch (kind) {
    case 'bad JSON': {
      const line = JSON.stringify(event);
      return line.slice(0, Math.floor(line.length * 0.6));
    }
    case 'bad timestamp': return JSON.stringify({ ...event, ts: rng.pick(['2026-02-30T25:61:00Z', 'yesterday', '17/01/2026 10:00']) });
    case 'missing user_id': return JSON.stringify({ ...event, user_id: undefined });
    case 'non-numeric user_id': return JSON.stringify({ ...event, user_id: `u-${event.user_id}` });
  }
}
