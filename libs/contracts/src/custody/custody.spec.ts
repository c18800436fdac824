import { custodyEntryKind } from '../police/police.records';
import { CustodyEntryDto } from '../police/police-records.dto';
import { custodyChild, custodyNotificationId, routeCustodyNotification, treatmentReferralId } from './custody.dto';

describe('the home YJS of a child in custody', () => {
  it.each([
    ['TS24 7AA', 'hartlepool'], ['TS25 1AB', 'hartlepool'], ['TS26 9ZZ', 'hartlepool'],
    ['TS18 1AA', 'stockton'], ['TS17 6AA', 'stockton'], ['TS20 1AA', 'stockton'], ['TS23 1AA', 'stockton'],
    ['TS1 2AA', 'south-tees'], ['TS3 6AA', 'south-tees'], ['TS5 4AA', 'south-tees'], // Middlesbrough
    ['TS10 1AA', 'south-tees'], ['TS6 0AA', 'south-tees'], ['TS14 6AA', 'south-tees'], // Redcar & Cleveland
  ])('%s goes to the %s YJS, by the home address', (postcode, team) => {
    expect(routeCustodyNotification(postcode)).toMatchObject({ route: 'yjs', team, how: 'home-address' });
  });

  it.each([
    ['DL1 5AA', 'Darlington'], ['DL14 6AA', 'County Durham'], ['SR8 1AA', 'County Durham'], ['DH1 3AA', 'County Durham'],
    ['TS9 6AA', 'North Yorkshire'], ['NE1 4AA', 'Tyneside or Northumberland'], ['YO1 7AA', 'North Yorkshire or York'],
  ])('a child living at %s goes to the out-of-area queue naming %s', (postcode, localAuthority) => {
    expect(routeCustodyNotification(postcode)).toEqual({ route: 'out-of-area', district: postcode.split(' ')[0], localAuthority });
  });

  it('names no authority it does not know, rather than guess', () => {
    expect(routeCustodyNotification('LS1 4AP')).toEqual({ route: 'out-of-area', district: 'LS1' });
  });

  it('a district on a boundary, or no address, goes to the YJS the child is open to, else to the navigator to place', () => {
    expect(routeCustodyNotification('TS27 3AA', 'hartlepool')).toMatchObject({ route: 'yjs', team: 'hartlepool', how: 'open-yjs-case' });
    expect(routeCustodyNotification('TS27 3AA')).toMatchObject({ route: 'needs-placement', district: 'TS27', reason: expect.stringContaining('hartlepool, outside') });
    expect(routeCustodyNotification(undefined, 'stockton')).toMatchObject({ route: 'yjs', team: 'stockton' });
    expect(routeCustodyNotification(undefined)).toEqual({ route: 'needs-placement', reason: "no postcode held: the navigator finds the child's home authority" });
  });
});

describe('who is a child in custody', () => {
  // arrival 02:00 UK time on 1 March 2026: the birthday counts on the UK date
  const arrivedAt = '2026-03-01T02:00:00Z';

  it('17 years and 364 days on arrival is a child; the 18th birthday is not', () => {
    expect(custodyChild({ dateOfBirth: '2008-03-02' }, arrivedAt)).toEqual({ child: true, basis: 'age', ageAtArrival: 17 });
    expect(custodyChild({ dateOfBirth: '2008-03-01' }, arrivedAt)).toEqual({ child: false, reason: '18 on arrival' });
  });

  it('takes the UK calendar date of arrival: 23:30 UTC on the eve of a summer birthday is already the birthday in the UK', () => {
    expect(custodyChild({ dateOfBirth: '2008-07-01' }, '2026-06-30T23:30:00Z')).toEqual({ child: false, reason: '18 on arrival' });
  });

  it('without a date of birth, "appears under 18" decides (PACE); with one, the date of birth does', () => {
    expect(custodyChild({}, arrivedAt, true)).toEqual({ child: true, basis: 'appears-under-18' });
    expect(custodyChild({}, arrivedAt, false)).toMatchObject({ child: false });
    expect(custodyChild({ dateOfBirth: '2000-01-01' }, arrivedAt, true)).toEqual({ child: false, reason: '26 on arrival' });
  });

  it('the police edge refuses a detainee under 10 as a data error, naming the field and the reason; 10 is accepted', () => {
    const entry = (dateOfBirth: string) => ({ custodyRef: 'C-1', suite: 'Middlesbrough', arrivedAt, offence: 'x', appropriateAdultRequired: true, detainee: { personRef: 'P-1', givenName: 'A', familyName: 'B', dateOfBirth } }) as CustodyEntryDto;
    expect(custodyEntryKind.check!(entry('2016-03-02'))).toEqual([{ path: 'detainee.dateOfBirth', reason: expect.stringMatching(/was 9 on arrival .*under the age of criminal responsibility \(10\)/) }]);
    expect(custodyEntryKind.check!(entry('2016-03-01'))).toEqual([]);
    expect(custodyEntryKind.check!(entry('2026-03-02'))).toEqual([{ path: 'detainee.dateOfBirth', reason: 'must not be after arrivedAt' }]);
  });
});

describe('custody notification ids', () => {
  it('are the same for one custody record on every replay, different across records, and valid v5 UUIDs', () => {
    expect(custodyNotificationId('MB-C-778')).toBe(custodyNotificationId('MB-C-778'));
    expect(custodyNotificationId('MB-C-778')).not.toBe(custodyNotificationId('MB-C-779'));
    expect(treatmentReferralId('MB-C-778')).not.toBe(custodyNotificationId('MB-C-778'));
    expect(custodyNotificationId('MB-C-778')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
