import { HomeOfficeCategory } from '../../../contracts/src';

/**
 * The partnership-level tables the reproduction check rebuilds from record-level data
 * (issue 7), as printed in the 2018 strategic assessment (`shared/seeds/shp-pack-2018-04-13.txt`,
 * January–December 2016 and 2017, Hartlepool). Index 0 is 2016, index 1 is 2017.
 */
export const PACK_2018 = {
  source: 'shp-pack-2018-04-13.txt',
  area: 'hartlepool',
  years: [2016, 2017] as const,

  /** Recorded crime, L1036–1076: the leaf categories. */
  crime: {
    lines: 'L1036-1076',
    leaves: {
      homicide: [2, 0],
      'violence-with-injury': [865, 916],
      'violence-without-injury': [1196, 1428],
      rape: [63, 80],
      'other-sexual-offences': [138, 152],
      'burglary-residential': [565, 814],
      'burglary-business-community': [191, 356],
      'bicycle-theft': [179, 186],
      'theft-from-person': [41, 62],
      'robbery-personal': [44, 58],
      'robbery-business': [4, 13],
      'vehicle-crime': [613, 1320],
      shoplifting: [1334, 1405],
      'other-acquisitive': [980, 1306],
      'criminal-damage-arson': [1647, 1592],
      'public-disorder': [317, 353],
      'trafficking-of-drugs': [60, 63],
      'possession-of-drugs': [224, 164],
      'possession-of-weapons': [65, 56],
      'misc-crimes-against-society': [152, 164],
    } satisfies Record<HomeOfficeCategory, [number, number]>,
    /** Totals as printed. The acquisitive subtotal disagrees with its own leaves (3,951 and 5,520); the others agree. */
    printed: {
      'violence-against-the-person': [2063, 2344],
      'sexual-offences': [201, 232],
      'acquisitive-crime': [3903, 5549],
      'victim-based': [7862, 9688],
      'drug-offences': [284, 227],
      'other-crimes-against-society': [818, 800],
      'total-recorded-crime': [8680, 10488],
    },
  },

  /** Police ASB incidents by type, L1278–1286, and the rate per 1,000 population, L1111–1112 (2017 only). */
  asb: {
    lines: 'L1278-1286, L1111-1112',
    types: { personal: [2540, 2331], nuisance: [4361, 4623], environmental: [132, 132] },
    printedTotal: [7033, 7086],
    per1000: { 2017: 77.8 },
  },

  /** Deliberate fires, L1122–1125. */
  fires: {
    lines: 'L1122-1125',
    categories: { primary: [93, 66], secondary: [341, 407] },
    printedTotal: [434, 473],
  },
} as const;
