/** The partnership's agencies that publish records into the hub. */
export const AGENCIES = ['police', 'fire', 'housing', 'treatment', 'youth-justice'] as const;
export type Agency = (typeof AGENCIES)[number];
