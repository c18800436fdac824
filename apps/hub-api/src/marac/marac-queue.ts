/**
 * The coordinator's queue as one row source: the referrals consolidation raised by the
 * SafeLives criteria, and those agencies made on professional judgement. The victim is the
 * agency person of the triggering incident, or the one the referring agency named; the
 * subject is theirs now (a merge since is followed). Manual referrals are graded high: an
 * agency refers on professional judgement when it judges the risk high (SafeLives).
 */
export const MARAC_QUEUE = `(
  SELECT r.id, r.subject_id, 'automatic' AS source, r.criterion, r.repeat, r.incident_refs, r.trigger_incident_ref, r.triggered_at, r.created_at,
         r.status AS raised_status, r.trigger_agency AS referring_agency, NULL::text AS referral_reason, d.risk_level, d.ticks,
         p.agency AS victim_agency, p.person_ref AS victim_ref, p.person AS victim
    FROM consolidation.marac_referrals r
    JOIN consolidation.da_incidents d ON d.agency = r.trigger_agency AND d.incident_ref = r.trigger_incident_ref
    JOIN consolidation.persons p ON p.agency = d.agency AND p.person_ref = d.victim_ref
  UNION ALL
  SELECT m.id, p.subject_id, 'manual', 'professional-judgement', m.repeat, '{}'::text[], NULL, m.referred_at, m.referred_at,
         'new', m.referring_agency, m.reason, 'high', NULL::int,
         p.agency, p.person_ref, p.person
    FROM hub.marac_manual_referrals m
    JOIN consolidation.persons p ON p.agency = m.victim_agency AND p.person_ref = m.victim_ref
)`;
