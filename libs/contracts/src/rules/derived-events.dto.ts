import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayContains,
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { IsPastDateTime } from '../validators';

/**
 * Data of the work items the consolidation service derives from the partnership's risk
 * rules beyond MARAC (domain.md §2). Like the MARAC referral they carry refs and hub ids
 * only, never names, dates of birth or addresses: a recipient asks hub-api for detail
 * under the information-sharing agreement.
 */

/** The Hartlepool Community Trigger thresholds (pack-2014 L1309–1314), in evaluation order. */
export const COMMUNITY_TRIGGER_CLAUSES = ['hate-incident', 'three-reports-one-reporter', 'five-reports-several-reporters'] as const;
export type CommunityTriggerClause = (typeof COMMUNITY_TRIGGER_CLAUSES)[number];

/** The three Youth Justice Services of the Cleveland area (domain.md §1). */
export const YJS_TEAMS = ['hartlepool', 'stockton', 'south-tees'] as const;
export type YjsTeam = (typeof YJS_TEAMS)[number];

/** HBC's community safety team runs the ASB case review (Community Trigger). */
export const COMMUNITY_TRIGGER_OWNER_TEAM = 'hbc-community-safety';
/** Hartlepool practice: the neighbourhood police team and Harbour outreach visit together (pack-2014 L1739). */
export const JOINT_VISIT_OWNER_TEAMS = ['police', 'harbour'] as const;
/** Serial perpetrators are the police domestic violence investigation unit's (pack-2014 L1757). */
export const SERIAL_PERPETRATOR_OWNER_TEAM = 'police-dvit';
export const YJS_OWNER_TEAMS = YJS_TEAMS.map((team) => `yjs-${team}` as const);
export type YjsOwnerTeam = `yjs-${YjsTeam}`;

export function yjsOwnerTeam(team: YjsTeam): YjsOwnerTeam {
  return `yjs-${team}`;
}

/** The notice must go to the YJS it names: `ownerTeam` is `yjs-<team>`, else it would reach the wrong service. */
function IsOwnerOfTeam(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isOwnerOfTeam',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => value === `yjs-${(args.object as { team?: unknown }).team}`,
        defaultMessage: () => 'must be yjs-<team> of the notice’s team',
      },
    });
}

/** Data of the Community Trigger work item: an ASB case review threshold was met. */
export class CommunityTriggerMetData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  workItemId: string;

  @ApiProperty({ description: 'the hub’s key of the ASB problem (place and behaviour) the reports are about' })
  @IsString() @IsNotEmpty()
  problemKey: string;

  @ApiProperty({ enum: COMMUNITY_TRIGGER_CLAUSES })
  @IsIn(COMMUNITY_TRIGGER_CLAUSES)
  clause: CommunityTriggerClause;

  @ApiProperty({ type: [String], description: 'the ASB reports that met the threshold, oldest first' })
  @IsArray() @ArrayMinSize(1) @IsString({ each: true }) @IsNotEmpty({ each: true })
  reportRefs: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'hub subject id of the reporter, when one individual met it' })
  @IsOptional() @IsUUID()
  reporterSubjectId?: string;

  @ApiProperty({ format: 'date-time', description: 'when the report that met the threshold was made' })
  @IsPastDateTime()
  metAt: string;

  @ApiProperty({ enum: [COMMUNITY_TRIGGER_OWNER_TEAM] })
  @IsIn([COMMUNITY_TRIGGER_OWNER_TEAM])
  ownerTeam: string;
}

/** Data of the joint visit task for a victim of two DA incidents within 12 months. */
export class JointVisitTaskData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  workItemId: string;

  @ApiProperty({ format: 'uuid', description: 'hub subject id of the victim' })
  @IsUUID()
  victimSubjectId: string;

  @ApiProperty({ type: [String], description: 'the earlier DA incident and the one that raised the task' })
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(2) @IsString({ each: true }) @IsNotEmpty({ each: true })
  incidentRefs: string[];

  @ApiProperty({ format: 'date-time', description: 'when the incident that raised the task occurred' })
  @IsPastDateTime()
  raisedAt: string;

  @ApiProperty({ type: [String], enum: JOINT_VISIT_OWNER_TEAMS, description: 'both visit: police and Harbour' })
  @IsArray() @ArrayContains([...JOINT_VISIT_OWNER_TEAMS]) @ArrayUnique() @IsIn(JOINT_VISIT_OWNER_TEAMS, { each: true })
  ownerTeams: string[];
}

/** Data of the serial perpetrator work item: DA against 5 or more partners. */
export class SerialPerpetratorData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  workItemId: string;

  @ApiProperty({ format: 'uuid', description: 'hub subject id of the perpetrator' })
  @IsUUID()
  perpetratorSubjectId: string;

  @ApiProperty({ minimum: 5, description: 'distinct victims' })
  @IsInt() @Min(5)
  victimCount: number;

  @ApiProperty({ type: [String], description: 'the first DA incident with each victim, oldest first' })
  @IsArray() @ArrayMinSize(5) @IsString({ each: true }) @IsNotEmpty({ each: true })
  incidentRefs: string[];

  @ApiProperty({ format: 'date-time', description: 'when the incident that made the count reach 5 occurred' })
  @IsPastDateTime()
  identifiedAt: string;

  @ApiProperty({ enum: [SERIAL_PERPETRATOR_OWNER_TEAM] })
  @IsIn([SERIAL_PERPETRATOR_OWNER_TEAM])
  ownerTeam: string;
}

/** Data of the notice to a YJS that a child open to it was referred as a fire-setter. */
export class FireSetterYjsNoticeData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  workItemId: string;

  @ApiProperty({ format: 'uuid', description: 'hub subject id of the child' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ description: 'the fire brigade’s fire-setter referral' })
  @IsString() @IsNotEmpty()
  referralRef: string;

  @ApiProperty({ description: 'the YJS case the child is open to' })
  @IsString() @IsNotEmpty()
  caseRef: string;

  @ApiProperty({ enum: YJS_TEAMS })
  @IsIn(YJS_TEAMS)
  team: YjsTeam;

  @ApiProperty({ format: 'date-time', description: 'when the hub raised the notice' })
  @IsPastDateTime()
  noticeAt: string;

  @ApiProperty({ enum: YJS_OWNER_TEAMS, description: 'yjs-<team>' })
  @IsOwnerOfTeam()
  ownerTeam: YjsOwnerTeam;
}

export const WORK_ITEM_RULES = ['community-trigger', 'joint-visit', 'serial-perpetrator', 'fire-setter-yjs'] as const;

/** Data of `uk.shp.consolidation.work-item.withdrawn.v1`: a link changed and the item's grounds are gone. */
export class WorkItemWithdrawnData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  workItemId: string;

  @ApiProperty({ enum: WORK_ITEM_RULES })
  @IsIn(WORK_ITEM_RULES)
  rule: (typeof WORK_ITEM_RULES)[number];

  @ApiProperty({ format: 'uuid', description: 'the hub subject the item was raised for' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ example: 'unlinked by marac-coordinator: the records are no longer one person’s' })
  @IsString() @IsNotEmpty()
  reason: string;
}
