import { Controller } from '@nestjs/common';

@Controller('api/analytics/subscriptions')
export class SubscriptionsController {}
