import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { PersonDto } from '../person.dto';
import { IsPastDateTime, IsRef, UK_POSTCODE } from '../validators';

/** What burned, in the Incident Recording System's terms (derelict property apart: it is secondary). */
export const FIRE_PROPERTY_TYPES = [
  'dwelling', 'other-building', 'vehicle', 'outdoor-structure', 'refuse', 'grassland', 'derelict-building', 'derelict-vehicle', 'other-outdoor',
] as const;
export type FirePropertyType = (typeof FIRE_PROPERTY_TYPES)[number];

/** Buildings, non-derelict vehicles and outdoor structures: a fire in one is primary (IRS). */
export const PRIMARY_PROPERTY_TYPES: readonly FirePropertyType[] = ['dwelling', 'other-building', 'vehicle', 'outdoor-structure'];
export const DERELICT_PROPERTY_TYPES: readonly FirePropertyType[] = ['derelict-building', 'derelict-vehicle'];

export const FIRE_CATEGORIES = ['primary', 'secondary'] as const;
export type FireCategory = (typeof FIRE_CATEGORIES)[number];

/** 5 or more appliances make any fire primary; 4 or fewer leave it to the other facts. */
export const PRIMARY_APPLIANCES = 5;

export const FIRE_SETTER_REFERRERS = ['fire', 'police', 'school', 'parent', 'social-care', 'yjs', 'health', 'other'] as const;

/** Same rule as IsRef (validators.ts), for each entry of a list of refs. */
const REF = /^[A-Za-z0-9][A-Za-z0-9/_.:-]*$/;
function IsRefEach(): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    for (const decorate of [
      IsString({ each: true }), IsNotEmpty({ each: true }), MaxLength(64, { each: true }), Matches(REF, { each: true, message: 'each must be letters, digits and / _ . : -' }),
    ]) decorate(target, key as string);
  };
}

export class FireLocationDto {
  @ApiPropertyOptional({ example: 'Headland and Harbour' })
  @IsOptional() @IsString() @MaxLength(100)
  ward?: string;

  @ApiProperty({ example: 'TS24 0AA' })
  @Matches(UK_POSTCODE, { message: 'must be a full UK postcode, e.g. TS24 7AA' })
  postcode: string;

  @ApiPropertyOptional({ example: 'Rear of former Co-op, Northgate', description: 'the site as the crew describe it' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  site?: string;
}

/** `POST /deliberate-fires` (api.md): an IRS record of a deliberate fire. */
export class DeliberateFireDto {
  @ApiProperty({ example: 'CFB-IRS-260301-017' })
  @IsRef()
  incidentRef: string;

  @ApiProperty({ example: '2026-03-01T21:40:00Z', format: 'date-time' })
  @IsPastDateTime()
  occurredAt: string;

  @ApiProperty({ type: FireLocationDto })
  @IsDefined() @ValidateNested() @Type(() => FireLocationDto)
  location: FireLocationDto;

  @ApiProperty({ enum: FIRE_PROPERTY_TYPES })
  @IsIn(FIRE_PROPERTY_TYPES)
  propertyType: FirePropertyType;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 50, example: 1 })
  @IsInt() @Min(1) @Max(50)
  appliancesAttending: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  @IsInt() @Min(0)
  casualties: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  @IsInt() @Min(0)
  rescues: number;

  @ApiProperty({ description: 'the property is derelict; must agree with propertyType (derelict-building, derelict-vehicle)' })
  @IsBoolean()
  derelict: boolean;

  @ApiProperty({ description: 'the cause is suspected, not established, as deliberate ("deliberate" includes suspected, IRS)' })
  @IsBoolean()
  suspectedArson: boolean;

  @ApiPropertyOptional({ example: 'CP-CR-88123', description: 'the police arson crime, if one was recorded: a link, the two records are never merged' })
  @IsOptional() @IsRef()
  policeCrimeRef?: string;

  @ApiPropertyOptional({
    enum: FIRE_CATEGORIES,
    description: 'optional as sent; the hub derives it from the facts (IRS), refuses a stated one that contradicts them, and always sets it in the event',
  })
  @IsOptional() @IsIn(FIRE_CATEGORIES)
  category?: FireCategory;
}

/** `POST /fire-setter-referrals`: a person referred to the Fire Education Intervention team. */
export class FireSetterReferralDto {
  @ApiProperty({ example: 'CFB-FEI-2026-041' })
  @IsRef()
  referralRef: string;

  @ApiProperty({ example: '2026-03-03T10:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  referredAt: string;

  @ApiProperty({ type: PersonDto, description: 'dateOfBirth is required: whether a child is referred decides who is told' })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  person: PersonDto;

  @ApiProperty({ enum: FIRE_SETTER_REFERRERS })
  @IsIn(FIRE_SETTER_REFERRERS)
  referrer: (typeof FIRE_SETTER_REFERRERS)[number];

  @ApiPropertyOptional({ type: [String], example: ['CFB-IRS-260301-017'], description: 'deliberate fires the referral is about' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsRefEach()
  relatedIncidentRefs?: string[];
}

/** The facts the IRS category follows from. */
export type FireFacts = Pick<DeliberateFireDto, 'propertyType' | 'appliancesAttending' | 'casualties' | 'rescues'>;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The IRS category (domain.md §2) and the facts that decide it. PRIMARY: buildings,
 * non-derelict vehicles, outdoor structures, or any casualty or rescue, or 5+ appliances.
 * SECONDARY: everything else (refuse, grass, derelict property, other outdoor) with no
 * casualty or rescue and 4 or fewer appliances.
 */
export function deriveFireCategory(fire: FireFacts): { category: FireCategory; reason: string } {
  const primaryBecause = [
    ...(fire.casualties > 0 ? [plural(fire.casualties, 'casualty', 'casualties')] : []),
    ...(fire.rescues > 0 ? [plural(fire.rescues, 'rescue', 'rescues')] : []),
    ...(fire.appliancesAttending >= PRIMARY_APPLIANCES ? [`${plural(fire.appliancesAttending, 'appliance', 'appliances')} attending`] : []),
    ...(PRIMARY_PROPERTY_TYPES.includes(fire.propertyType) ? [`propertyType ${fire.propertyType}`] : []),
  ];
  if (primaryBecause.length > 0) {
    return { category: 'primary', reason: `${primaryBecause.join(' and ')} ${primaryBecause.length === 1 ? 'makes' : 'make'} it primary (IRS)` };
  }
  return {
    category: 'secondary',
    reason: `propertyType ${fire.propertyType} with no casualty or rescue and ${plural(fire.appliancesAttending, 'appliance', 'appliances')} attending makes it secondary (IRS)`,
  };
}
