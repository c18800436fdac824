import { homeArea, postcodeDistrict } from './areas';

describe('home area from a postcode', () => {
  it.each([
    ['TS24 7AA', 'hartlepool', 'north'],
    ['ts26 9hu', 'hartlepool', 'north'],
    ['TS18 1AB', 'stockton-on-tees', 'north'],
    ['TS23 3XX', 'stockton-on-tees', 'north'],
    ['TS1 2AA', 'middlesbrough', 'south'],
    ['TS5 6QQ', 'middlesbrough', 'south'],
    ['TS10 1AA', 'redcar-and-cleveland', 'south'],
    ['TS14 6AA', 'redcar-and-cleveland', 'south'],
  ])('%s is %s, MARAC %s', (postcode, authority, group) => {
    expect(homeArea(postcode)).toEqual({ placed: 'in-area', authority, group, district: postcode.split(' ')[0].toUpperCase() });
  });

  it('does not guess in a district that crosses a boundary', () => {
    expect(homeArea('TS27 4AA')).toEqual({ placed: 'shared', district: 'TS27', candidates: ['hartlepool', 'outside'] });
    expect(homeArea('TS7 0AA')).toMatchObject({ placed: 'shared', candidates: ['middlesbrough', 'redcar-and-cleveland'] });
  });

  it('places Stokesley, Durham and Sunderland outside Cleveland, and says why it cannot place the rest', () => {
    expect(homeArea('TS9 5AA')).toEqual({ placed: 'outside', district: 'TS9' });
    expect(homeArea('DH1 3LE')).toEqual({ placed: 'outside', district: 'DH1' });
    expect(homeArea('SR1 1AA')).toEqual({ placed: 'outside', district: 'SR1' });
    expect(homeArea(undefined)).toEqual({ placed: 'unknown', reason: 'no postcode held' });
    expect(homeArea('TS24')).toEqual({ placed: 'unknown', reason: 'not a full UK postcode: TS24' });
  });

  it('reads the outward code of a full postcode only', () => {
    expect(postcodeDistrict(' ts24 7aa ')).toBe('TS24');
    expect(postcodeDistrict('TS247AA')).toBe('TS24');
    expect(postcodeDistrict('TS24 7A')).toBeUndefined();
  });
});
