import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { AGENCIES, Agency } from '../agencies';
import { IsPastDateTime, IsRef } from '../validators';

/** An ISA purpose id, as the agreement names it (`marac.risk-management`). */
const PURPOSE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

export const CONSENT_STATES = ['given', 'refused', 'withdrawn'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

/**
 * Data of `uk.shp.hub.consent.recorded.v1`: what a person said when asked to consent to
 * sharing about them for one purpose. The latest statement per subject and purpose stands.
 */
export class ConsentRecordedData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  consentId: string;

  @ApiProperty({ format: 'uuid', description: 'the hub subject the consent is about' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ example: 'marac.risk-management' })
  @Matches(PURPOSE, { message: 'must be an ISA purpose id, e.g. marac.risk-management' })
  purpose: string;

  @ApiProperty({ enum: CONSENT_STATES })
  @IsIn(CONSENT_STATES)
  state: ConsentState;

  @ApiProperty({ description: 'the user who recorded it (token subject)' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  recordedBy: string;

  @ApiProperty({ format: 'date-time', description: 'when the person gave, refused or withdrew consent' })
  @IsPastDateTime()
  statedAt: string;

  @ApiPropertyOptional({ description: 'how it was obtained or refused; no clinical detail' })
  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

/**
 * Data of `uk.shp.hub.consent-override.recorded.v1`: a decision maker shares without or
 * against consent, for a reason the purpose allows (the agreement's `overrideReasons`).
 */
export class ConsentOverrideData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  overrideId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ example: 'marac.risk-management' })
  @Matches(PURPOSE, { message: 'must be an ISA purpose id, e.g. marac.risk-management' })
  purpose: string;

  @ApiProperty({ description: 'one of the purpose’s override reasons, word for word' })
  @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;

  @ApiProperty({ example: 'DI Jane Hall, MARAC chair' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  decisionMaker: string;

  @ApiProperty({ description: 'the user who recorded it (token subject)' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  recordedBy: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  decidedAt: string;
}

export class AgencyPersonRef {
  @ApiProperty({ enum: AGENCIES })
  @IsIn(AGENCIES)
  agency: Agency;

  @ApiProperty({ example: 'CP-P-1001' })
  @IsRef()
  personRef: string;
}

/**
 * Data of `uk.shp.hub.erasure.approved.v1`: an erasure request about a subject was
 * approved. Consolidation forgets these agency persons and keeps them forgotten: their
 * records are erased now and suppressed when the Kafka log is replayed (docs/design.md).
 */
export class ErasureApprovedData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  requestId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ type: [AgencyPersonRef], description: 'every agency person linked to the subject when it was approved' })
  @ValidateNested({ each: true }) @Type(() => AgencyPersonRef) @ArrayMinSize(1) @ArrayMaxSize(200)
  persons: AgencyPersonRef[];

  @ApiProperty({ description: 'the user who approved it (token subject)' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  decidedBy: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  decidedAt: string;
}
