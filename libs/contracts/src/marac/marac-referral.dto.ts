import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, IsBoolean, IsIn, IsString, IsUUID, IsNotEmpty } from 'class-validator';
import { IsPastDateTime } from '../validators';

/** SafeLives referral routes the hub recognises (api.md `criterion`). */
export const MARAC_CRITERIA = ['visible-high-risk', 'professional-judgement', 'escalation', 'repeat'] as const;
export type MaracCriterion = (typeof MARAC_CRITERIA)[number];

/** Data of `uk.shp.consolidation.marac-referral.created.v1`. Carries refs, not personal details. */
export class MaracReferralCreatedData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  referralId: string;

  @ApiProperty({ format: 'uuid', description: 'hub subject id of the victim' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ enum: MARAC_CRITERIA })
  @IsIn(MARAC_CRITERIA)
  criterion: MaracCriterion;

  @ApiProperty({ description: 'within 12 months of the victim’s last MARAC referral' })
  @IsBoolean()
  repeat: boolean;

  @ApiProperty({ type: [String], description: 'the DA incidents that met the criterion' })
  @ArrayMinSize(1) @IsString({ each: true }) @IsNotEmpty({ each: true })
  incidentRefs: string[];

  @ApiProperty({ description: 'the incident whose arrival triggered the referral' })
  @IsString() @IsNotEmpty()
  triggerIncidentRef: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  triggeredAt: string;

  @ApiProperty({ description: 'the agency whose record triggered the referral', example: 'police' })
  @IsString()
  sourceAgency: string;
}
