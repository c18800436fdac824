/**
 * An information-sharing agreement as the partnership signs it (deploy/isa/*.yaml, checked
 * against deploy/isa/agreement.schema.json). Field paths are the event data's paths
 * (`victim.givenName`, `dash.answers`); `*` after a path takes all of it (`location.*`).
 */
export interface Agreement {
  id: string;
  version: string;
  title: string;
  /** draft agreements decide nothing: every request under them is denied */
  status: 'draft' | 'signed' | 'suspended';
  parties: Party[];
  signatories: Signatory[];
  effectiveFrom: string;
  reviewBy: string;
  expiresOn: string;
  dpia: { reference: string; completedOn: string; owner: string };
  purposes: Record<string, Purpose>;
}

export interface Party {
  id: string;
  name: string;
  /** agencies of the hub this party's records arrive from (police, fire, housing, treatment, youth-justice, hbc) */
  agencies: string[];
  role: 'controller' | 'joint-controller' | 'processor';
}

export interface Signatory {
  party: string;
  name: string;
  title: string;
  signedOn: string;
}

export interface Purpose {
  title: string;
  description: string;
  /** hub roles that may state this purpose */
  roles: string[];
  lawfulBasis: {
    /** UK GDPR Article 6 condition, e.g. "6(1)(e) public task" */
    article6: string;
    /** Article 9 condition for special category data, with the DPA 2018 Schedule 1 paragraph */
    article9?: string;
    /** Article 10 condition for criminal offence data, with the DPA 2018 Schedule 1 paragraph */
    article10?: string;
    /** where a competent authority processes for law enforcement */
    dpa2018Part3?: string;
    /** statutory gateways, e.g. "Crime and Disorder Act 1998 s115" */
    gateways: string[];
  };
  consent: {
    route: 'not-relied-on' | 'sought-where-safe' | 'required';
    /** the reasons a decision maker may record to share without or against consent */
    overrideReasons: string[];
  };
  /** per party id: how long recipients may keep what they receive under this purpose (ISO 8601 duration) */
  retention: Record<string, string>;
  onwardSharing: 'prohibited' | 'with-originator-consent' | 'within-purpose';
  clauses: Clause[];
}

/** What one recipient role may receive of one source event type under a purpose. */
export interface Clause {
  id: string;
  roles: string[];
  /** the CloudEvents type of the source record */
  source: string;
  /** `fields`: exactly these paths; `signpost`: that the subject exists and which agency holds a record, nothing more */
  tier: 'fields' | 'signpost';
  fields?: string[];
  note?: string;
}
