import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { AGENCIES, Agency } from '../agencies';
import { IsPastDateTime, IsRef } from '../validators';

export const IDENTITY_DECISIONS = ['confirm', 'reject', 'unlink'] as const;
export type IdentityDecision = (typeof IDENTITY_DECISIONS)[number];

/**
 * Data of `uk.shp.hub.identity-decision.recorded.v1`: a person's decision about a link,
 * taken in hub-api and applied by consolidation (which owns the links). `confirm` merges
 * the subjects of a reviewed pair, `reject` records that they are different people,
 * `unlink` takes an agency person out of their subject into a new one.
 */
export class IdentityDecisionData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  decisionId: string;

  @ApiProperty({ enum: IDENTITY_DECISIONS })
  @IsIn(IDENTITY_DECISIONS)
  decision: IdentityDecision;

  @ApiPropertyOptional({ format: 'uuid', description: 'the review item decided (confirm, reject)' })
  @IsOptional() @IsUUID()
  reviewId?: string;

  @ApiProperty({ enum: AGENCIES, description: 'the agency person decided about' })
  @IsIn(AGENCIES)
  agency: Agency;

  @ApiProperty({ example: 'CP-P-1001' })
  @IsRef()
  personRef: string;

  @ApiProperty({ description: 'the user who decided (token subject)' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  decidedBy: string;

  @ApiProperty({ description: 'why: recorded with the decision' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  decidedAt: string;
}

/** Data of `uk.shp.consolidation.marac-referral.withdrawn.v1`: an unlink took away a referral's grounds. */
export class MaracReferralWithdrawnData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  referralId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ example: 'unlink: the incidents are no longer one victim’s' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;
}
