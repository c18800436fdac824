import { Injectable } from '@nestjs/common';
import { consentPermits, PolicyDecisionPoint, purposeOf } from '../../../../libs/isa/src';
import { ConsentStore } from '../consent/consent.store';
import { Restrictions, UNRESTRICTED_PURPOSES } from '../subject-rights/restrictions';

/**
 * Before any record about a person is read: a restriction in force, or consent the purpose
 * relies on and does not have, stops the read (the reason is returned; undefined: go on).
 */
@Injectable()
export class ReadGate {
  constructor(
    private readonly policy: PolicyDecisionPoint,
    private readonly consent: ConsentStore,
    private readonly restrictions: Restrictions,
  ) {}

  async refusal(subjectId: string, purpose: string): Promise<string | undefined> {
    if (!UNRESTRICTED_PURPOSES.has(purpose) && (await this.restrictions.restricted([subjectId])).has(subjectId)) {
      return 'processing of this subject is restricted (UK GDPR Art 18) until the restriction is lifted';
    }
    const definition = purposeOf(this.policy.current(), purpose);
    if (!definition) return undefined; // the guard has already refused purposes no agreement covers
    const decision = consentPermits(definition, await this.consent.status(subjectId, purpose));
    return decision.permitted ? undefined : decision.reason;
  }
}
