import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiProperty,
  ApiPropertyOptional, ApiQuery, ApiTags, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateIf } from 'class-validator';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { ANALYTICS_FIELDS, FEED_AREAS, FEED_DELIVERIES, FEED_PERIODS, FeedArea, FeedDelivery, FeedPeriod } from '../../../../libs/analytics/src';
import { FieldFault, zonedDate, zonedTime } from '../../../../libs/contracts/src';
import { PolicyDecisionPoint } from '../../../../libs/isa/src';
import { badRequest, requireUuid, validOrThrow } from '../../../../libs/platform/src';
import { AuditService } from '../audit/audit.service';
import { Access, AuthedRequest } from '../auth/auth.guard';
import { streamFeed } from './feed-stream';
import { SubscriptionsStore, SubscriptionView } from './subscriptions.store';

const ACCESS = { roles: ['analyst'], purposes: ['analytics.depersonalised'] };
const EVENT_TYPES = Object.keys(ANALYTICS_FIELDS);

export class NewSubscriptionDto {
  @ApiProperty({ example: 'SVD needs assessment: violence and fires' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name: string;

  @ApiProperty({ type: [String], example: ['uk.shp.police.crime.recorded.v1', 'uk.shp.fire.deliberate-fire.recorded.v1'], description: 'agency record event types (AsyncAPI); each must be one the agreement gives analysts for the purpose' })
  @IsArray() @ArrayNotEmpty() @ArrayUnique() @ArrayMaxSize(EVENT_TYPES.length) @IsIn(EVENT_TYPES, { each: true, message: 'each must be an agency record event type, e.g. uk.shp.police.crime.recorded.v1' })
  eventTypes: string[];

  @ApiProperty({ enum: FEED_AREAS, description: 'where, at most: the ward or the outward postcode (never the full postcode)' })
  @IsIn(FEED_AREAS)
  area: FeedArea;

  @ApiProperty({ enum: FEED_PERIODS, description: 'when, at most: the UK calendar month or ISO week' })
  @IsIn(FEED_PERIODS)
  period: FeedPeriod;

  @ApiProperty({ enum: FEED_DELIVERIES, description: 'kafka: a topic of its own; sse: GET …/events; webhook: POSTs signed with HMAC-SHA-256, retried with backoff' })
  @IsIn(FEED_DELIVERIES)
  delivery: FeedDelivery;

  @ApiPropertyOptional({ example: 'https://bi.example.gov.uk/hooks/shp', description: 'required for webhook delivery' })
  @ValidateIf((o: NewSubscriptionDto) => o.delivery === 'webhook' || o.webhookUrl !== undefined)
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'an http(s) URL, required for webhook delivery' })
  webhookUrl?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'only records that happened from this UK date: those the hub holds now (a backfill), then the rest as they arrive. Without it: every record that arrives from now, whatever its date' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'a date, YYYY-MM-DD' })
  backfillFrom?: string;
}

/**
 * Analysts' subscriptions to depersonalised feeds (issue 7): register for a purpose and event
 * types, then receive through a Kafka topic of its own, a server-sent event stream, or a
 * signed webhook. Only the owner sees a subscription; another analyst's is not found.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or bad token' })
@ApiForbiddenResponse({ description: 'not an analyst, or not for purpose analytics.depersonalised' })
@Controller('api/analytics/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly store: SubscriptionsStore,
    private readonly policy: PolicyDecisionPoint,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Access(ACCESS)
  @ApiBody({ type: NewSubscriptionDto })
  @ApiCreatedResponse({ description: '`{subscription: {id, name, purpose, eventTypes, area, period, delivery, kafkaTopic?, streamPath?, webhookUrl?, backfillFrom, status, ...}, webhookSecret?}`: the webhook secret is shown this once' })
  @ApiBadRequestResponse({ description: '`{error, fields: [{path, reason}]}` naming every bad field, including event types the agreement does not give analysts' })
  async create(@Req() req: AuthedRequest, @Body() body: unknown): Promise<{ subscription: SubscriptionView; webhookSecret?: string }> {
    const dto = validOrThrow(NewSubscriptionDto, body);
    const faults: FieldFault[] = [];
    dto.eventTypes.forEach((type, i) => {
      const d = this.policy.decide({ roles: req.user.roles, purpose: req.purpose, source: type });
      if (d.effect !== 'fields') faults.push({ path: `eventTypes.${i}`, reason: d.effect === 'deny' ? d.reason : `the agreement gives ${type} to ${req.purpose} as a signpost only` });
    });
    const backfillFrom = dto.backfillFrom ? zonedTime(dto.backfillFrom, '00:00') : undefined;
    if (backfillFrom && (Number.isNaN(backfillFrom.getTime()) || zonedDate(backfillFrom) !== dto.backfillFrom || backfillFrom > new Date())) faults.push({ path: 'backfillFrom', reason: 'a real date, not in the future' });
    if (faults.length) throw badRequest('subscription refused', faults);

    const { view, webhookSecret } = await this.store.create(req.user, { ...dto, purpose: req.purpose, backfillFrom });
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'analytics.subscription.create', decision: 'allowed', reason: `subscription ${view.id}: ${dto.eventTypes.length} event type(s), ${dto.delivery}` });
    return { subscription: view, ...(webhookSecret ? { webhookSecret } : {}) };
  }

  @Get()
  @Access(ACCESS)
  @ApiOkResponse({ description: 'your subscriptions, with item counts and webhook delivery state' })
  async list(@Req() req: AuthedRequest): Promise<{ subscriptions: SubscriptionView[] }> {
    return { subscriptions: await this.store.list(req.user) };
  }

  @Get(':id')
  @Access(ACCESS)
  @ApiNotFoundResponse({ description: 'no such subscription of yours' })
  async one(@Req() req: AuthedRequest, @Param('id') id: string): Promise<SubscriptionView> {
    return this.store.view(await this.owned(req, id));
  }

  @Delete(':id')
  @Access(ACCESS)
  @HttpCode(200)
  @ApiOkResponse({ description: 'the subscription, cancelled: no more items; its stream ends' })
  async cancel(@Req() req: AuthedRequest, @Param('id') id: string): Promise<SubscriptionView> {
    const sub = await this.owned(req, id);
    await this.store.cancel(sub.id);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'analytics.subscription.cancel', decision: 'allowed', reason: `subscription ${sub.id}` });
    return this.store.view((await this.store.owned(req.user, id))!);
  }

  /** A pull of the feed, for tools that poll: items after `after`, in order. */
  @Get(':id/items')
  @Access(ACCESS)
  @ApiQuery({ name: 'after', required: false, description: 'the last item id you have (default 0)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000 (default 500)' })
  @ApiOkResponse({ description: '`{items: [FeedItem]}`: `{id, record, subscription, eventType, agency, kind, category, period, area, fields, people: [{pseudonym, role, ageBand}]}`' })
  async items(@Req() req: AuthedRequest, @Param('id') id: string, @Query('after') after = '0', @Query('limit') limit = '500'): Promise<{ items: Record<string, unknown>[] }> {
    const faults = [
      ...(/^\d{1,18}$/.test(after) ? [] : [{ path: 'after', reason: 'an item id, a whole number' }]),
      ...(/^\d{1,4}$/.test(limit) && +limit >= 1 && +limit <= 1000 ? [] : [{ path: 'limit', reason: '1 to 1000' }]),
    ];
    if (faults.length) throw badRequest('bad query', faults);
    const sub = await this.owned(req, id);
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'analytics.feed.read', decision: 'allowed', reason: `subscription ${sub.id} after ${after}` });
    return { items: await this.store.items(sub.id, Number(after), Number(limit)) };
  }

  /** The feed as server-sent events, from `Last-Event-ID` (or `?after=`), then live. */
  @Get(':id/events')
  @Access(ACCESS)
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'after', required: false, description: 'resume after this item id when the client cannot send Last-Event-ID' })
  @ApiOkResponse({ description: 'text/event-stream: `event: feed-item`, `id: <item id>`, `data: <FeedItem JSON>`; `event: cancelled` when the subscription is cancelled' })
  async events(@Req() req: AuthedRequest, @Res() res: Response, @Param('id') id: string, @Query('after') after?: string): Promise<void> {
    const sub = await this.owned(req, id);
    const lastId = req.header('last-event-id') ?? after;
    await this.audit.record({ user: req.user, purpose: req.purpose, action: 'analytics.feed.stream', decision: 'allowed', reason: `subscription ${sub.id} after ${lastId ?? 0}` });
    await streamFeed(this.dataSource, sub.id, lastId, req, res);
  }

  private async owned(req: AuthedRequest, id: string) {
    const sub = await this.store.owned(req.user, requireUuid(id, 'id', 'subscription id'));
    if (!sub) throw new NotFoundException('no such subscription of yours');
    return sub;
  }
}
